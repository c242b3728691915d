import type { Suppression } from 'sarif';
import type { RunBuilder, LocationInput } from '../../sarif/builder.js';
import { maxSeverity, type Severity } from '../../sarif/severity.js';
import { isObj, obj, optArr, optStr, ShapeError, str, type Obj } from '../shape.js';
import { Components, PROJECT_FILE, cweTags, fromSecurityStandards, impactSeverity, legacySeverity, regionOf, ruleHelpUri, sonarSuppression } from './common.js';

/** Issue types (9.9 `type`) and software qualities (10.2+ `impacts`) → the tag a policy matches on. */
const TYPE_TAG: Record<string, string> = { VULNERABILITY: 'vulnerability', BUG: 'bug', CODE_SMELL: 'code-smell', SECURITY_HOTSPOT: 'security-hotspot' };
const QUALITY_TAG: Record<string, string> = { SECURITY: 'vulnerability', RELIABILITY: 'bug', MAINTAINABILITY: 'code-smell' };

export interface IssueCounts {
  /** Issues closed by SonarQube (fixed or removed): no longer in the code, so not findings. */
  closed: number;
}

/**
 * `api/issues/search` issues → results, both response shapes:
 *  - 9.9 LTS: `severity` (BLOCKER…INFO), `type`, `status` + `resolution`;
 *  - 10.2+ / 2025: `impacts[{softwareQuality, severity}]`, `cleanCodeAttribute`, `issueStatus`
 *    (the newest responses drop severity/type/status/resolution altogether).
 * Impacts decide the severity when present (the highest impact wins); `severity` otherwise.
 * False positives and accepted / won't-fix issues stay as suppressed results; closed issues
 * (fixed or removed from the code) are not findings and are only counted.
 */
export function addIssues(b: RunBuilder, issues: unknown[], path: string, components: Components, rules: Map<string, Obj>, counts: IssueCounts, serverUrl?: string): void {
  issues.forEach((x, i) => {
    const p = `${path}[${i}]`;
    const issue = obj(x, p);
    const state = issueState(issue, p);
    if (state.closed) {
      counts.closed++;
      return;
    }
    const key = optStr(issue['key'], `${p}.key`);
    const ruleKey = str(issue['rule'], `${p}.rule`);
    if (!ruleKey.trim()) throw new ShapeError(`${p}.rule`, 'an issue has an empty rule key');
    const component = str(issue['component'], `${p}.component`);
    const project = optStr(issue['project'], `${p}.project`);
    const file = components.pathOf(component, project);
    const message = optStr(issue['message'], `${p}.message`) ?? ruleKey;
    const type = optStr(issue['type'], `${p}.type`);
    const impacts = optArr(issue['impacts'], `${p}.impacts`).filter(isObj).map((im, j) => ({
      quality: optStr(im['softwareQuality'], `${p}.impacts[${j}].softwareQuality`) ?? '',
      severity: optStr(im['severity'], `${p}.impacts[${j}].severity`),
    }));
    const legacy = optStr(issue['severity'], `${p}.severity`);
    const impactSev = impacts.map((im) => impactSeverity(im.severity)).filter((s): s is Severity => !!s);
    const severity = impactSev.length ? impactSev.reduce(maxSeverity) : legacySeverity(legacy);
    const nativeSeverity = impacts.length ? impacts.map((im) => `${im.quality}:${im.severity ?? '?'}`).join(', ') + (legacy ? ` (severity ${legacy})` : '') : legacy;
    const kindTags = type && TYPE_TAG[type] ? [TYPE_TAG[type]!] : [...new Set(impacts.map((im) => QUALITY_TAG[im.quality]).filter((t): t is string => !!t))];
    const quality = kindTags.some((t) => t === 'bug' || t === 'code-smell') && !kindTags.includes('vulnerability') ? ['quality'] : [];
    const issueTags = optArr(issue['tags'], `${p}.tags`).filter((t): t is string => typeof t === 'string');
    const rule = rules.get(ruleKey);
    const standards = fromSecurityStandards(rule?.['securityStandards']);
    const ruleTags = rule ? [...optArr(rule['sysTags'], `$.rules.sysTags`), ...optArr(rule['tags'], `$.rules.tags`)].filter((t): t is string => typeof t === 'string') : [];
    const tags = [...new Set([...kindTags, ...quality, ...issueTags, ...ruleTags, ...standards.tags, ...cweTags(standards.cwe), ...(state.sandbox ? ['in-sandbox'] : [])])];

    b.rule({
      id: ruleKey,
      name: rule ? optStr(rule['name'], '$.rules.name') : undefined,
      shortDescription: (rule && optStr(rule['name'], '$.rules.name')) ?? ruleKey,
      help: `SonarQube rule ${ruleKey}${rule && optStr(rule['name'], '$.rules.name') ? `: ${optStr(rule['name'], '$.rules.name')}` : ''}. See the rule's description in SonarQube for the fix.`,
      helpUri: ruleHelpUri(serverUrl, ruleKey),
      tags: [...kindTags, ...quality, ...standards.tags, ...cweTags(standards.cwe)],
    });
    const region = regionOf(issue, p);
    const related = flowLocations(issue, p, components, project);
    b.add({
      ruleId: ruleKey,
      message,
      severity,
      nativeSeverity,
      location: file ? { uri: file, ...region } : { uri: PROJECT_FILE, message: `project-level issue on ${component}` },
      relatedLocations: related,
      identity: [key ?? '', ruleKey, file ?? component],
      kind: 'sast',
      tags,
      properties: {
        ...(key ? { sonarKey: key } : {}),
        ...(type ? { sonarType: type } : {}),
        ...(impacts.length ? { impacts: impacts.map((im) => ({ softwareQuality: im.quality, severity: im.severity })) } : {}),
        ...(optStr(issue['cleanCodeAttribute'], `${p}.cleanCodeAttribute`) ? { cleanCodeAttribute: optStr(issue['cleanCodeAttribute'], `${p}.cleanCodeAttribute`) } : {}),
        ...(state.status ? { sonarStatus: state.status } : {}),
        cwe: standards.cwe,
      },
      suppressions: state.suppression ? [state.suppression] : undefined,
    });
  });
}

interface IssueState {
  closed: boolean;
  sandbox: boolean;
  status?: string | undefined;
  suppression?: Suppression | undefined;
}

/** The issue's lifecycle in either vocabulary: status+resolution (≤ 10.3) or issueStatus (10.4+). */
function issueState(issue: Obj, p: string): IssueState {
  const status = optStr(issue['status'], `${p}.status`)?.toUpperCase();
  const resolution = optStr(issue['resolution'], `${p}.resolution`)?.toUpperCase();
  const issueStatus = optStr(issue['issueStatus'], `${p}.issueStatus`)?.toUpperCase();
  const comment = lastComment(issue, p);
  const why = (what: string) => `${what} in SonarQube${comment ? `: ${comment}` : ''}`;
  if (status === 'CLOSED') return { closed: true, sandbox: false };
  if (status === 'RESOLVED' || resolution) {
    switch (resolution) {
      case 'FALSE-POSITIVE':
        return { closed: false, sandbox: false, status: 'FALSE-POSITIVE', suppression: sonarSuppression(why('marked as false positive'), { resolution }) };
      case 'WONTFIX':
        return { closed: false, sandbox: false, status: 'WONTFIX', suppression: sonarSuppression(why("accepted (won't fix)"), { resolution }) };
      case 'FIXED':
        // Marked fixed by hand: SonarQube reopens it if the next analysis still finds it.
        return { closed: false, sandbox: false, status: 'FIXED', suppression: sonarSuppression(why('marked as fixed'), { resolution }) };
      case 'REMOVED':
        return { closed: true, sandbox: false };
      default:
        return { closed: false, sandbox: false, status: status ?? resolution };
    }
  }
  switch (issueStatus) {
    case 'FALSE_POSITIVE':
      return { closed: false, sandbox: false, status: issueStatus, suppression: sonarSuppression(why('marked as false positive'), { issueStatus }) };
    case 'ACCEPTED':
      return { closed: false, sandbox: false, status: issueStatus, suppression: sonarSuppression(why('accepted'), { issueStatus }) };
    case 'FIXED':
      // without the legacy status the two meanings of FIXED cannot be told apart: either way the code no longer has it
      return { closed: true, sandbox: false };
    case 'IN_SANDBOX':
      return { closed: false, sandbox: true, status: issueStatus };
    default:
      return { closed: false, sandbox: false, status: status ?? issueStatus };
  }
}

function lastComment(issue: Obj, p: string): string | undefined {
  const comments = optArr(issue['comments'], `${p}.comments`).filter(isObj);
  const last = comments[comments.length - 1];
  if (!last) return undefined;
  const text = optStr(last['markdown'], `${p}.comments.markdown`) ?? optStr(last['htmlText'], `${p}.comments.htmlText`);
  if (!text) return undefined;
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 299)}…` : one;
}

/** Secondary locations of `flows[].locations[]` (data flow steps, "checked here"/"used here"). */
export function flowLocations(x: Obj, p: string, components: Components, project: string | undefined, fallbackComponent?: string): LocationInput[] {
  const out: LocationInput[] = [];
  optArr(x['flows'], `${p}.flows`).forEach((f, i) => {
    if (!isObj(f)) return;
    optArr(f['locations'], `${p}.flows[${i}].locations`).forEach((l, j) => {
      if (!isObj(l) || out.length >= 50) return;
      const lp = `${p}.flows[${i}].locations[${j}]`;
      const component = optStr(l['component'], `${lp}.component`) ?? fallbackComponent ?? optStr(x['component'], `${p}.component`);
      const file = component ? components.pathOf(component, project) : undefined;
      out.push({ uri: file ?? PROJECT_FILE, ...regionOf(l, lp), message: optStr(l['msg'], `${lp}.msg`) });
    });
  });
  return out;
}

