import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../../test/support/mock-upstreams.js';
import { modelCall } from '../../test/support/model-call.js';
import { parseConfigText } from '../config/load-config.js';
import { formatIssue, SourceError } from '../config/source-issue.js';
import { createAdapter, type ClosableProvider } from './provider-kinds.js';

// providers.<name>.max_tokens_param, from ossa.yaml to the body an OpenAI-type upstream gets.

function providerConfig(yaml: string) {
  const { config } = parseConfigText(`ossa:\n  providers:\n    azure:\n${yaml}`, 'ossa.yaml', {});
  return config.providers.azure!;
}

describe('createAdapter: max_tokens_param', () => {
  let mock: MockUpstream;
  let adapter: ClosableProvider | undefined;

  beforeEach(async () => {
    mock = await startMockOpenAI();
  });

  afterEach(async () => {
    await adapter?.close?.();
    await mock.close();
  });

  it('sends the configured field for a deployment whose name says nothing (Azure)', async () => {
    const config = providerConfig(`      type: openai-compatible\n      base_url: ${mock.url}\n      allow_insecure_http: true\n      max_tokens_param: max_completion_tokens\n`);
    adapter = createAdapter('azure', config, undefined);
    await adapter.complete(modelCall({ model: 'prod-reasoner', maxTokens: 300 }), AbortSignal.timeout(5_000));
    expect(mock.requests[0]?.body).toMatchObject({ model: 'prod-reasoner', max_completion_tokens: 300, temperature: 0.2 });
    expect(mock.requests[0]?.body).not.toHaveProperty('max_tokens');
  });

  it('follows the rule when the key is absent: max_tokens on an openai-compatible server', async () => {
    adapter = createAdapter('azure', providerConfig(`      type: openai-compatible\n      base_url: ${mock.url}\n      allow_insecure_http: true\n`), undefined);
    await adapter.complete(modelCall({ model: 'o3-mini', maxTokens: 300 }), AbortSignal.timeout(5_000));
    expect(mock.requests[0]?.body).toMatchObject({ max_tokens: 300 });
  });

  it('refuses any other value, at its position', () => {
    let error: unknown;
    try {
      providerConfig('      type: openai\n      max_tokens_param: max_output_tokens\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).issues.map(formatIssue).join('\n')).toMatch(/ossa\.yaml:5:\d+.*max_tokens_param/);
  });
});
