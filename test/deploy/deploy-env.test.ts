import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { CONFIG_VARIABLES, isKnownVariable } from '../../infra/config-variables.js';

const DEPLOY = path.resolve('infra/deploy');
const WORKER_IMAGE = /^devenir-worker(:|$)/;

/** Variables the compose file sets on the services that run the devenir image. */
function composeVariables(text: string): string[] {
  const compose = parse(text, { merge: true }) as {
    services: Record<string, { image?: string; environment?: object }>;
  };
  return Object.values(compose.services)
    .filter((s) => WORKER_IMAGE.test(s.image ?? ''))
    .flatMap((s) => Object.keys(s.environment ?? {}));
}

interface Container {
  image?: string;
  env?: Array<{ name: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
}

/** Variables the Kubernetes manifests give the devenir containers: env entries and the ConfigMaps/Secrets they load. */
function kubernetesVariables(texts: string[]): string[] {
  const docs = texts.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as Record<string, any>));
  const sources = new Map<string, string[]>();
  for (const d of docs)
    if (d.kind === 'ConfigMap' || d.kind === 'Secret')
      sources.set(`${d.kind}/${d.metadata.name}`, Object.keys(d.data ?? d.stringData ?? {}));
  const containers: Container[] = docs.flatMap((d) => d.spec?.template?.spec?.containers ?? []);
  return containers
    .filter((c) => WORKER_IMAGE.test(c.image ?? ''))
    .flatMap((c) => [
      ...(c.env ?? []).map((e) => e.name),
      ...(c.envFrom ?? []).flatMap((f) =>
        f.configMapRef
          ? (sources.get(`ConfigMap/${f.configMapRef.name}`) ?? ['<missing ConfigMap>'])
          : (sources.get(`Secret/${f.secretRef!.name}`) ?? ['<missing Secret>']),
      ),
    ]);
}

/** Variables the Dockerfile sets with ENV. */
function dockerfileVariables(text: string): string[] {
  const env = text.replace(/\\\n/g, ' ').match(/^ENV .*$/gm) ?? [];
  return env.flatMap((line) => [...line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1]));
}

/** Variables devenir does not read (NODE_ENV and the AWS SDK's own notice switch are for Node and the SDK). */
const unknown = (names: string[]) =>
  [...new Set(names)].filter(
    (n) => !isKnownVariable(n) && !['NODE_ENV', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'].includes(n),
  );

describe('the deployment files set only variables the configuration knows', () => {
  const compose = readFileSync(path.join(DEPLOY, 'compose.yml'), 'utf8');
  const k8s = readdirSync(path.join(DEPLOY, 'kubernetes'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readFileSync(path.join(DEPLOY, 'kubernetes', f), 'utf8'));
  const dockerfile = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');

  it('compose, Kubernetes and the Dockerfile', () => {
    const names = {
      compose: composeVariables(compose),
      k8s: kubernetesVariables(k8s),
      docker: dockerfileVariables(dockerfile),
    };
    expect(names.compose).toContain('DEVENIR_LAKE');
    expect(names.k8s).toContain('DEVENIR_LAKE');
    expect(names.docker).toContain('DEVENIR_HOME');
    expect({ compose: unknown(names.compose), k8s: unknown(names.k8s), docker: unknown(names.docker) }).toEqual({
      compose: [],
      k8s: [],
      docker: [],
    });
  });

  it('a wrong name fails', () => {
    const wrong = compose.replace('DEVENIR_LAKE:', 'DEVENIR_LAKES:');
    expect(unknown(composeVariables(wrong))).toEqual(['DEVENIR_LAKES']);
    const typo = k8s.map((t) => t.replace('DEVENIR_LANDING_SLOTS', 'DEVENIR_LANDING_SLOT'));
    expect(unknown(kubernetesVariables(typo))).toEqual(['DEVENIR_LANDING_SLOT']);
    expect(unknown(['DEVENIR_INSERJEUNES_PASSWD', 'DEVENIR_NOPE_URL'])).toEqual([
      'DEVENIR_INSERJEUNES_PASSWD',
      'DEVENIR_NOPE_URL',
    ]);
  });

  it('every listed variable is read somewhere in the code (the list cannot rot)', () => {
    const code = ['infra', 'activities', 'lake', 'bin']
      .flatMap((dir) =>
        readdirSync(path.resolve(dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)),
      )
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('config-variables.ts'))
      .map((f) => readFileSync(path.resolve(f), 'utf8'))
      .join('\n');
    // The SeaweedFS ports are read as `DEVENIR_SEAWEEDFS_${name}_PORT` with name S3, MASTER, VOLUME or FILER.
    const read = (name: string) => {
      const port = /^DEVENIR_SEAWEEDFS_(\w+)_PORT$/.exec(name);
      return port
        ? code.includes('`DEVENIR_SEAWEEDFS_${name}_PORT`') && code.includes(`port('${port[1]}'`)
        : code.includes(name);
    };
    const unread = CONFIG_VARIABLES.filter((name) => !read(name));
    expect(unread).toEqual([]);
  });
});
