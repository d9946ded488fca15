/**
 * The account's alarm topic: encrypted with the logs key, publishable only by CloudWatch alarms,
 * EventBridge rules and RDS event subscriptions of this account, over TLS. Workloads send their
 * alarms (and their databases' events) here too.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../../components/security/encryption-key";
import { policyDocument } from "../../components/security/policy-document";
import { withTags } from "../../shared/tags";
import type { PlatformSettings } from "./config";

export interface AlarmTopicArgs {
  settings: PlatformSettings;
  /** Encrypts messages at rest; its policy must allow the `cloudwatch`, `events` and `rds-events` principals. */
  key: EncryptionKey;
}

export class AlarmTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmTopicArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:AlarmTopic", name, {}, opts);
    const { settings } = args;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    this.topic = new aws.sns.Topic(name, { kmsMasterKeyId: args.key.keyArn, tags: withTags(settings.tags) }, { parent: this });
    this.topicArn = this.topic.arn;

    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: this.topic.arn,
        policy: policyDocument([
          {
            Sid: "AccountAlarmsAndRulesPublish",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "events.rds.amazonaws.com"] },
            Action: ["sns:Publish"],
            Resource: this.topic.arn,
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: ["sns:Publish"],
            Resource: this.topic.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]),
      },
      { parent: this },
    );

    // E-mail subscriptions stay pending until each address confirms.
    for (const email of settings.config.alarmEmails ?? []) {
      const slug = email.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      new aws.sns.TopicSubscription(`${name}-email-${slug}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this });
    }
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
