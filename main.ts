/**
 * The CDKTF app's entry point (`cdktf synth`, `npm run synth` through bin/synth.js). Builds the app in
 * app.ts and synthesizes it. Nothing imports this file; buildApp is re-exported for bin/synth.js.
 */
import { buildApp } from "./app";

export { buildApp };

if (require.main === module) {
  buildApp().app.synth();
}
