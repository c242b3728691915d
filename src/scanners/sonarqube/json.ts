import type { Run } from 'sarif';
import { arr, isObj, obj, optStr, ShapeError } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { Components, ruleIndex, sonarBuilder, type SonarMeta } from './common.js';
import { addHotspots } from './hotspots.js';
import { addIssues, type IssueCounts } from './issues.js';
import { parseQualityGate } from './quality-gate.js';

/**
 * SonarQube / SonarCloud Web API responses saved to files:
 *  - `api/issues/search` (9.9 LTS and 10.2+/2025 shapes), or its bare `issues` array;
 *  - `api/hotspots/search`;
 *  - `api/qualitygates/project_status` (alone: a run with no results and the gate status);
 *  - secgate's combined file, which `secgate run` also builds from the live API:
 *    `{ "sonarqube": {serverUrl, serverVersion, projectKey, organization, branch, pullRequest,
 *       analysisId, dashboardUrl}, "issues": <issues/search response, all pages' issues in one
 *       `issues` array>, "hotspots": <hotspots/search response>, "qualityGate":
 *       <project_status response>, "rules": [<rules with key, name, securityStandards>] }`,
 *    every key optional.
 * One run; the quality gate becomes `run.properties.qualityGate` for the policy.
 */
export const sonarqubeJson: Adapter = {
  id: 'sonarqube',
  title: 'SonarQube Web API JSON (api/issues/search, api/hotspots/search, api/qualitygates/project_status, or secgate\'s combined file)',
  kind: 'sast',
  input: 'json',
  detect(doc) {
    return formOf(doc) !== undefined;
  },
  toRuns(doc, ctx) {
    return [sonarqubeRun(doc, ctx)];
  },
};

type Form = 'issues' | 'issue-array' | 'hotspots' | 'quality-gate' | 'combined';

function formOf(doc: unknown): Form | undefined {
  if (Array.isArray(doc)) {
    return doc.length > 0 && doc.every((i) => isObj(i) && typeof i['key'] === 'string' && typeof i['rule'] === 'string' && typeof i['component'] === 'string') ? 'issue-array' : undefined;
  }
  if (!isObj(doc)) return undefined;
  const paged = isObj(doc['paging']) || typeof doc['p'] === 'number' || Array.isArray(doc['components']);
  if (Array.isArray(doc['issues']) && paged) {
    const first = doc['issues'][0];
    return first === undefined || (isObj(first) && 'rule' in first && 'component' in first) ? 'issues' : undefined;
  }
  if (Array.isArray(doc['hotspots']) && paged) return 'hotspots';
  if (isObj(doc['projectStatus']) && typeof doc['projectStatus']['status'] === 'string') return 'quality-gate';
  // The combined file: at least one part that is itself a SonarQube response.
  const part = (k: string, inner: string, arrayInner: boolean) => isObj(doc[k]) && (arrayInner ? Array.isArray(doc[k][inner]) : isObj(doc[k][inner]));
  if (part('issues', 'issues', true) || part('hotspots', 'hotspots', true) || part('qualityGate', 'projectStatus', false)) return 'combined';
  return undefined;
}

/** Converts any of the forms above; exported for the runner, which assembles the combined form. */
export function sonarqubeRun(doc: unknown, ctx: AdapterContext): Run {
  const form = formOf(doc);
  const components = new Components();
  const counts: IssueCounts = { closed: 0 };
  if (form === 'issue-array') {
    const b = sonarBuilder(ctx, sonarqubeJson.id, {});
    addIssues(b, arr(doc, '$'), '$', components, new Map(), counts);
    return finish(b, counts);
  }
  if (form === undefined) {
    // forced with --format sonarqube on something else: never an empty, passing run
    throw new ShapeError('$', 'not a SonarQube Web API response: expected api/issues/search, api/hotspots/search, api/qualitygates/project_status or the combined { issues, hotspots, qualityGate } form');
  }
  const d = obj(doc, '$');
  const combined = form === 'combined';
  const meta = combined ? metaOf(d['sonarqube']) : {};
  const b = sonarBuilder(ctx, sonarqubeJson.id, meta);
  const rules = ruleIndex(combined ? d['rules'] : undefined, '$.rules');

  const issuesDoc = combined ? (d['issues'] === undefined || d['issues'] === null ? undefined : obj(d['issues'], '$.issues')) : form === 'issues' ? d : undefined;
  const issuesPath = combined ? '$.issues' : '$';
  if (issuesDoc) {
    components.add(issuesDoc['components'], `${issuesPath}.components`);
    for (const [k, v] of ruleIndex(issuesDoc['rules'], `${issuesPath}.rules`)) if (!rules.has(k)) rules.set(k, v);
  }
  const hotspotsDoc = combined ? (d['hotspots'] === undefined || d['hotspots'] === null ? undefined : obj(d['hotspots'], '$.hotspots')) : form === 'hotspots' ? d : undefined;
  const hotspotsPath = combined ? '$.hotspots' : '$';
  if (hotspotsDoc) components.add(hotspotsDoc['components'], `${hotspotsPath}.components`);

  if (issuesDoc) addIssues(b, arr(issuesDoc['issues'], `${issuesPath}.issues`), `${issuesPath}.issues`, components, rules, counts, meta.serverUrl);
  if (hotspotsDoc) addHotspots(b, arr(hotspotsDoc['hotspots'], `${hotspotsPath}.hotspots`), `${hotspotsPath}.hotspots`, components, rules, meta.serverUrl);

  const gateDoc = combined ? (d['qualityGate'] === undefined || d['qualityGate'] === null ? undefined : d['qualityGate']) : form === 'quality-gate' ? d : undefined;
  if (gateDoc !== undefined) {
    const { gate, period } = parseQualityGate(gateDoc, combined ? '$.qualityGate' : '$', meta);
    b.setProperty('qualityGate', gate);
    if (period) b.setProperty('qualityGatePeriod', period);
  }
  if (meta.dashboardUrl) b.setProperty('dashboardUrl', meta.dashboardUrl);
  return finish(b, counts);
}

function finish(b: ReturnType<typeof sonarBuilder>, counts: IssueCounts): Run {
  if (counts.closed) b.setProperty('closedIssues', counts.closed);
  return b.build();
}

function metaOf(x: unknown): SonarMeta {
  if (x === undefined || x === null) return {};
  const m = obj(x, '$.sonarqube');
  const s = (k: string) => optStr(m[k], `$.sonarqube.${k}`);
  return {
    serverUrl: s('serverUrl'),
    serverVersion: s('serverVersion'),
    projectKey: s('projectKey'),
    organization: s('organization'),
    branch: s('branch'),
    pullRequest: s('pullRequest'),
    analysisId: s('analysisId'),
    dashboardUrl: s('dashboardUrl'),
  };
}

