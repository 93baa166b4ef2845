// The import-direction rule (docs/ARCHITECTURE.md): core <- openapi/playbook/http <- load/proxy <- checks <- runner
// <- reporters <- cli. A layer may import only the layers listed as allowed for it.
// Every layer, in import order; cli (the composition root) may import them all.
const layers = [
  'core',
  'openapi',
  'playbook',
  'http',
  'load',
  'proxy',
  'checks',
  'runner',
  'reporters',
  'store',
  'jobs',
  'notify',
  'service',
  'demo',
  'cli',
];

const allowed = {
  core: ['core'],
  openapi: ['core', 'openapi'],
  playbook: ['core', 'playbook'],
  http: ['core', 'http'],
  load: ['core', 'openapi', 'http', 'load'],
  proxy: ['core', 'openapi', 'http', 'proxy'],
  checks: ['core', 'openapi', 'playbook', 'http', 'load', 'proxy', 'checks'],
  runner: ['core', 'openapi', 'playbook', 'http', 'load', 'proxy', 'checks', 'runner'],
  reporters: ['core', 'runner', 'reporters'],
  store: ['core', 'store'],
  jobs: ['core', 'store', 'jobs'],
  notify: ['core', 'http', 'notify'],
  // The service uses every engine layer; only the demo and the CLI are outside it.
  service: layers.filter((layer) => layer !== 'demo' && layer !== 'cli'),
  demo: ['core', 'demo'],
};

module.exports = {
  forbidden: [
    ...Object.entries(allowed).map(([layer, ok]) => ({
      name: `${layer}-imports-only-${ok.join('-')}`,
      severity: 'error',
      comment: `src/${layer} may import only: ${ok.join(', ')} (see docs/ARCHITECTURE.md)`,
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(?!(${ok.join('|')})/)(${layers.join('|')})/` },
    })),
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'circular imports make the layers meaningless',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
