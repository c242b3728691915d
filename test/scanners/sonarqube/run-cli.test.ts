import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { runCli } from '../../helpers/cli.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';
import { FakeSonarQube, type FakeOptions } from './fake-sonarqube.js';

const TOKEN = 'sqp_0123456789abcdefTOKENabcdef0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function project(o: Partial<FakeOptions>, yaml: (url: string) => string) {
  const fake = new FakeSonarQube({
    version: '9.9.8.100196', token: TOKEN, projectKey: 'shop-api', taskId: 'AYtask-9', analysisId: 'AYanalysis-9',
    ceStates: ['IN_PROGRESS', 'SUCCESS'], issues: 4, hotspots: 1, ...o,
  });
  const url = await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'secgate-sonar-run-'));
  cleanups.push(() => fake.stop(), () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, '.scannerwork'));
  writeFileSync(join(dir, '.scannerwork', 'report-task.txt'), `projectKey=shop-api\nserverUrl=${url}\nserverVersion=9.9.8.100196\ndashboardUrl=${url}/dashboard?id=shop-api\nceTaskId=AYtask-9\nceTaskUrl=${url}/api/ce/task?id=AYtask-9\n`);
  writeFileSync(join(dir, 'secgate.yml'), yaml(url));
  return { fake, dir };
}

describe('secgate run with scanners.sonarqube (9.9 LTS server on 127.0.0.1)', () => {
  it('reads the analysis through the Web API, applies the quality gate, and never shows the token', async () => {
    const { dir } = await project({ gateStatus: 'ERROR' }, (url) => `version: 1\nscanners:\n  sonarqube: { url: "${url}", token_env: CI_SONAR_TOKEN, wait: "30s" }\n`);
    const r = await runCli(['run'], { cwd: dir, env: { CI_SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' } });
    const log = JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8')) as Log;
    expect(sarifProblems(log)).toEqual([]);
    const run = log.runs.find((x) => x.tool.driver.name === 'SonarQube')!;
    expect(run.results).toHaveLength(5);
    expect(run.properties?.['qualityGate']).toMatchObject({ status: 'ERROR', analysisId: 'AYanalysis-9', projectKey: 'shop-api' });
    // the quality gate failed in SonarQube: with the default policy the gate fails too
    expect(r.code).toBe(1);
    for (const text of [r.stdout, r.stderr, JSON.stringify(log)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(`${TOKEN}:`).toString('base64'));
    }
  });

  it('a refused token is exit 2 with one line for the scanner', async () => {
    const { dir } = await project({ token: 'the-server-expects-another-token' }, (url) => `version: 1\nscanners:\n  sonarqube: { url: "${url}" }\n`);
    const r = await runCli(['run'], { cwd: dir, env: { SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' } });
    expect(r.code).toBe(2);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/sonarqube: .*answered 401/);
    expect(`${r.stdout}\n${r.stderr}`).not.toContain(TOKEN);
  });

  it('unknown keys under scanners.sonarqube are config errors naming the allowed keys', async () => {
    const { dir } = await project({}, (url) => `version: 1\nscanners:\n  sonarqube: { url: "${url}", tokn_env: X }\n`);
    const r = await runCli(['run'], { cwd: dir, env: { SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tokn_env/);
    expect(r.stderr).toMatch(/token_env/);
  });
});
