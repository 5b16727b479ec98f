/**
 * Publishes the stack's alert rules as a Terraform output holding the rendered rule file. The
 * monitoring stack reads it with terraform_remote_state and merges it into the Prometheus chart's
 * serverFiles."alerting_rules.yml" (README, "Alerts"). An output, not a ConfigMap: it adds no cluster
 * object (the migration still plans to zero resource changes) and the community chart reads rules from
 * its values, not from ConfigMaps.
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { OUTPUTS } from "../config";
import { RuleGroup, renderRuleFile } from "../alerts/rules";
import { literalTemplate } from "../lib/tf-json";

export interface AlertRulesProps {
  /** The rule groups to publish (alerts/rules.ts builds them from the config). @default - required */
  readonly groups: RuleGroup[];
}

export class AlertRules extends Construct {
  readonly groups: RuleGroup[];
  readonly yaml: string;

  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    this.groups = props.groups;
    this.yaml = renderRuleFile(this.groups);
    const out = new TerraformOutput(this, "rules", {
      value: literalTemplate(this.yaml),
      description: "Prometheus rule file (groups) for the authentik stack; include it in serverFiles.\"alerting_rules.yml\"",
    });
    out.overrideLogicalId(OUTPUTS.alertRules);
  }
}
