/**
 * Notify: tells the customer the transfer was posted, through the bank's notifications topic (its
 * subscribers deliver push messages; the message carries no balance). Best effort: the workflow
 * catches a failure here, since the money has moved either way.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { transient, type TransferState } from "./model";

export function createNotifyHandler(sns: SNSClient, topicArn: string) {
  return async (state: TransferState & { posting?: { postedAt?: string } }): Promise<{ messageId: string }> => {
    const t = state.transfer;
    try {
      const out = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: "Transfer posted",
          Message: JSON.stringify({ type: "transfer.posted", transferId: t.transferId, sourceAccountId: t.sourceAccountId, amountCents: t.amountCents, currency: t.currency, postedAt: state.posting?.postedAt }),
          MessageAttributes: { customerId: { DataType: "String", StringValue: t.customerId } },
        }),
      );
      return { messageId: out.MessageId ?? "" };
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      if (/Throttl|InternalError|ServiceUnavailable|KMSThrottling/.test(name) || (error as { $retryable?: unknown }).$retryable) throw transient(`sns: ${name}`, error);
      throw error;
    }
  };
}
