import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { toAsffBatches } from '../export/asff.js';
import { toSccFindings } from '../export/gcp-scc.js';
import { credentialsFromEnv, uploadBatches } from '../export/securityhub-upload.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { write, type CliContext } from './context.js';
import { readSarifLog } from './report.js';

export interface ExportOptions {
  from: string;
  format: 'asff' | 'gcp-scc';
  output?: string;
  config?: string;
  awsAccountId?: string;
  awsRegion?: string;
  productArn?: string;
  upload?: boolean;
  endpoint?: string;
  sccSource?: string;
  sccResource?: string;
}

export async function exportLog(opts: ExportOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const log = await readSarifLog(resolve(ctx.cwd, opts.from), opts.from);
  const cfg = config.export ?? {};
  let json: string;
  let summary: string;
  if (opts.format === 'asff') {
    const region = opts.awsRegion ?? cfg.asff?.region ?? ctx.env['AWS_REGION'] ?? ctx.env['AWS_DEFAULT_REGION'];
    const batches = toAsffBatches(log, {
      awsAccountId: opts.awsAccountId ?? cfg.asff?.aws_account_id ?? '',
      region: region ?? '',
      productArn: opts.productArn ?? cfg.asff?.product_arn,
      now: ctx.now(),
    });
    const count = batches.reduce((n, b) => n + b.Findings.length, 0);
    json = `${JSON.stringify(batches, null, 2)}\n`;
    summary = `${count} finding(s) in ${batches.length} ASFF batch(es)`;
    if (opts.upload) {
      const credentials = credentialsFromEnv(ctx.env);
      if (!credentials) throw new ConfigError('--upload needs AWS credentials in the environment', 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)');
      const out = await uploadBatches(batches, { region: region!, credentials, endpoint: opts.endpoint ?? ctx.env['AWS_ENDPOINT_URL_SECURITYHUB'] ?? ctx.env['AWS_ENDPOINT_URL'] });
      summary += `; ${out.succeeded} imported into Security Hub`;
    }
  } else {
    const findings = toSccFindings(log, {
      source: opts.sccSource ?? cfg.gcp_scc?.source ?? '',
      resourceName: opts.sccResource ?? cfg.gcp_scc?.resource_name ?? '',
      now: ctx.now(),
    });
    json = `${JSON.stringify(findings, null, 2)}\n`;
    summary = `${findings.length} SCC finding(s)`;
  }
  if (opts.output) {
    await writeFileAtomic(resolve(ctx.cwd, opts.output), json);
    await write(ctx.stderr, `secgate: exported ${summary} to ${opts.output}\n`);
  } else {
    await write(ctx.stdout, json);
    await write(ctx.stderr, `secgate: exported ${summary}\n`);
  }
  return 0;
}
