// The Pulumi program runs the same policy gate as `npm run synth`, before any resource exists.
import { PROJECT, fullConfig, runProgram } from './harness';

describe('policy gate in the Pulumi program', () => {
  afterEach(() => jest.dontMock('../../apps/main'));

  test('fails before registering any resource when the gate finds a violation', async () => {
    // GIVEN the dev environment with a raw Deployment whose image is tagged 'latest'
    jest.doMock('../../apps/main', () => {
      const actual = jest.requireActual('../../apps/main');
      const { ApiObject } = jest.requireActual('cdk8s');
      return {
        ...actual,
        buildEnvironment: (...args: unknown[]) => {
          const built = actual.buildEnvironment(...args);
          new ApiObject(built.env, 'latest', {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web-latest' },
            spec: {
              selector: { matchLabels: { app: 'x' } },
              template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app', image: 'web:latest' }] } },
            },
          });
          return built;
        },
      };
    });
    // WHEN the dev stack runs
    let registered = -1;
    const error = await runProgram('dev', fullConfig('dev')).then(
      (run) => void (registered = run.resources.length),
      (e: unknown) => e as Error,
    );
    // THEN it fails as a RunError naming the stack, the object and the rule, and registers nothing
    expect(registered).toBe(-1);
    expect(error).toBeInstanceOf(Error);
    expect((error as { __pulumiRunError?: boolean }).__pulumiRunError).toBe(true);
    expect((error as Error).message).toMatch(/^stack 'dev': policy gate: \d+ violations? in environment 'dev'/);
    expect((error as Error).message).toContain('Deployment three-tier-dev/web-latest [image-tag]');
  });

  test('passes every stack of the reference app through the gate with no violation', async () => {
    // GIVEN the real gate, WHEN each stack runs, THEN it registers its resources
    for (const stack of ['dev', 'staging', 'prod'] as const) {
      const run = await runProgram(stack, fullConfig(stack));
      expect(run.resources.some((r) => r.type === 'kubernetes:apps/v1:Deployment')).toBe(true);
    }
    expect(PROJECT).toBe('three-tier');
  });
});
