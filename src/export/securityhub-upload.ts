import { OutputError } from '../errors.js';
import { makeRedactor } from '../runners/redact.js';
import type { AsffBatch } from './asff.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface UploadOptions {
  region: string;
  credentials: AwsCredentials;
  /** Endpoint override (AWS_ENDPOINT_URL_SECURITYHUB, or a test server). */
  endpoint?: string | undefined;
  /** Per-request timeout. */
  timeoutMs?: number | undefined;
}

export interface UploadOutcome {
  batches: number;
  succeeded: number;
}

/** The credentials from an environment (the CLI's, passed in), or undefined when there are none. */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}) };
}

/**
 * BatchImportFindings, one call per batch. Any finding Security Hub rejects (FailedFindings)
 * or any failed call is an error: an export that silently dropped findings would hide them.
 * The SDK is imported here, lazily, so no other command pays for loading it.
 */
export async function uploadBatches(batches: AsffBatch[], o: UploadOptions): Promise<UploadOutcome> {
  const { SecurityHubClient, BatchImportFindingsCommand } = await import('@aws-sdk/client-securityhub');
  const client = new SecurityHubClient({
    region: o.region,
    credentials: o.credentials,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { requestTimeout: o.timeoutMs ?? 30_000, connectionTimeout: o.timeoutMs ?? 30_000 },
  });
  let succeeded = 0;
  try {
    for (const [i, b] of batches.entries()) {
      let out;
      try {
        out = await client.send(new BatchImportFindingsCommand({ Findings: b.Findings as never }));
      } catch (e) {
        const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        const status = err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : '';
        // An endpoint (or proxy) may echo the signed request back: no credential in the message.
        const { accessKeyId, secretAccessKey, sessionToken } = o.credentials;
        const redact = makeRedactor({ AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken }, ['AWS_ACCESS_KEY_ID']);
        throw new OutputError(
          `Security Hub BatchImportFindings failed on batch ${i + 1} of ${batches.length}${status}: ${err.name ?? 'Error'}: ${redact(oneLine(err.message ?? ''))}`,
          `${succeeded} finding(s) were imported before the failure; check the credentials, region and product ARN (the account must have Security Hub enabled)`,
          { cause: e },
        );
      }
      const failed = out.FailedFindings ?? [];
      succeeded += out.SuccessCount ?? b.Findings.length - failed.length;
      if ((out.FailedCount ?? failed.length) > 0) {
        const f = failed[0];
        throw new OutputError(
          `Security Hub rejected ${out.FailedCount ?? failed.length} of ${b.Findings.length} finding(s) in batch ${i + 1} of ${batches.length}${f ? `; first: ${f.Id ?? '?'}: ${f.ErrorCode ?? ''} ${oneLine(f.ErrorMessage ?? '')}`.trimEnd() : ''}`,
          'fix the field Security Hub names (see the ASFF reference) and export again: re-imports update the same Ids',
        );
      }
    }
  } finally {
    client.destroy();
  }
  return { batches: batches.length, succeeded };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
