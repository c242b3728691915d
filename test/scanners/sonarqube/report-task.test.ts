import { describe, expect, it } from 'vitest';
import { parseReportTask } from '../../../src/scanners/sonarqube/report-task.js';

describe('report-task.txt', () => {
  it('reads the keys sonar-scanner writes; values may hold "=" (dashboard URLs with a query)', () => {
    const t = parseReportTask([
      'organization=acme',
      'projectKey=acme_shop-api',
      'serverUrl=https://sonarcloud.io',
      'serverVersion=8.0.0.65443',
      'dashboardUrl=https://sonarcloud.io/dashboard?id=acme_shop-api&branch=main',
      'ceTaskId=AZLx9q0s8Yy1B3dE7cT2',
      'ceTaskUrl=https://sonarcloud.io/api/ce/task?id=AZLx9q0s8Yy1B3dE7cT2',
      '',
    ].join('\r\n'));
    expect(t).toEqual({
      organization: 'acme',
      projectKey: 'acme_shop-api',
      serverUrl: 'https://sonarcloud.io',
      serverVersion: '8.0.0.65443',
      dashboardUrl: 'https://sonarcloud.io/dashboard?id=acme_shop-api&branch=main',
      ceTaskId: 'AZLx9q0s8Yy1B3dE7cT2',
      ceTaskUrl: 'https://sonarcloud.io/api/ce/task?id=AZLx9q0s8Yy1B3dE7cT2',
    });
  });

  it('undoes Java-properties escapes and skips comments and junk lines', () => {
    expect(parseReportTask('# written by hand\nserverUrl=http\\://localhost\\:9000\nnot a property\n=x\nceTaskId = AY1 \n')).toEqual({ serverUrl: 'http://localhost:9000', ceTaskId: 'AY1' });
  });
});
