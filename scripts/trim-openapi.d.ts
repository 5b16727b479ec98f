// Types for scripts/trim-openapi.js (a plain node script), so the tests that import it are type-checked.
export declare function upstreamDir(): string;
export declare function archivePath(): string;
export declare function trimmedSpec(archive?: string): any;
export declare const SERVED: any;
export declare const DEFAULT_OUT: string;
