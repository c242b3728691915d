/**
 * Package identity shared by the SCA adapters, so that Grype, Trivy and npm audit findings on
 * the same package meet in correlation: a purl without qualifiers or subpath, with the
 * ecosystem's own name normalisation.
 */
export function purlCore(purl: string | undefined): string | undefined {
  if (!purl || !purl.startsWith('pkg:')) return undefined;
  let p = purl;
  const hash = p.indexOf('#');
  if (hash >= 0) p = p.slice(0, hash);
  const q = p.indexOf('?');
  if (q >= 0) p = p.slice(0, q);
  const slash = p.indexOf('/');
  if (slash < 0) return undefined;
  const type = p.slice(4, slash).toLowerCase();
  let rest = p.slice(slash + 1);
  try {
    rest = decodeURIComponent(rest);
  } catch {
    /* keep as is */
  }
  const at = rest.lastIndexOf('@');
  let name = at >= 0 ? rest.slice(0, at) : rest;
  const version = at >= 0 ? rest.slice(at + 1) : '';
  name = normaliseName(type, name);
  return `pkg:${type}/${name}${version ? `@${version}` : ''}`;
}

/** Build the same core id from parts, when a scanner gives no purl. */
export function packageKey(ecosystem: string | undefined, name: string, version: string | undefined, namespace?: string): string {
  const type = purlType(ecosystem);
  const n = normaliseName(type, namespace ? `${namespace}/${name}` : name);
  return `pkg:${type}/${n}${version ? `@${version}` : ''}`;
}

function normaliseName(type: string, name: string): string {
  switch (type) {
    case 'npm':
      return name.toLowerCase();
    case 'pypi':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'golang':
      return name.toLowerCase();
    default:
      return name;
  }
}

/** Scanner package-type words → purl types. */
export function purlType(ecosystem: string | undefined): string {
  const e = (ecosystem ?? 'generic').toLowerCase();
  const map: Record<string, string> = {
    'node-pkg': 'npm', npm: 'npm', yarn: 'npm', pnpm: 'npm', javascript: 'npm', 'package-lock': 'npm',
    'python-pkg': 'pypi', python: 'pypi', pip: 'pypi', pipenv: 'pypi', poetry: 'pypi', pypi: 'pypi',
    'java-archive': 'maven', jar: 'maven', java: 'maven', maven: 'maven', gradle: 'maven', pom: 'maven',
    'go-module': 'golang', gomod: 'golang', gobinary: 'golang', go: 'golang', golang: 'golang',
    'rust-crate': 'cargo', cargo: 'cargo', rustbinary: 'cargo',
    gem: 'gem', bundler: 'gem', gemspec: 'gem', ruby: 'gem',
    composer: 'composer', php: 'composer',
    nuget: 'nuget', dotnet: 'nuget', 'dotnet-core': 'nuget',
    apk: 'apk', alpine: 'apk', deb: 'deb', debian: 'deb', ubuntu: 'deb', rpm: 'rpm', redhat: 'rpm', centos: 'rpm', amazon: 'rpm', rocky: 'rpm', alma: 'rpm', oracle: 'rpm', suse: 'rpm', photon: 'rpm',
  };
  return map[e] ?? e;
}
