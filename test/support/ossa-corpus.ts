import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentDefinition } from '../../src/agents/agent-definition.js';
import { loadManifestFile } from '../../src/agents/load-manifest.js';

/**
 * The OSSA project's own manifests, read in place and never copied into this repository:
 * `$OSSA_EXAMPLES_DIR`, else `../shared/ossa-examples` beside the checkout.
 */
export const CORPUS = process.env['OSSA_EXAMPLES_DIR'] ?? fileURLToPath(new URL('../../../shared/ossa-examples', import.meta.url));
/** The official OSSA JSON Schemas, beside the corpus. */
export const SCHEMAS = process.env['OSSA_SCHEMAS_DIR'] ?? fileURLToPath(new URL('../../../shared/ossa-schemas', import.meta.url));
export const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.warn(`ossa-corpus: the OSSA example corpus is not at ${CORPUS} (set OSSA_EXAMPLES_DIR): its tests are skipped`);

/** A corpus agent and the file that declares it. */
export interface CorpusAgent {
  readonly file: string;
  readonly agent: AgentDefinition;
}

let loaded: CorpusAgent[] | undefined;

/** Every agent of the corpus, read as the gateway reads it (no environment: placeholders take their defaults). */
export function corpusAgents(): CorpusAgent[] {
  loaded ??= HAVE_CORPUS
    ? readdirSync(CORPUS)
        .filter((file) => /\.(ya?ml|json)$/.test(file))
        .sort()
        .flatMap((file) => loadManifestFile(join(CORPUS, file), {}).agents.map((agent) => ({ file: join(CORPUS, file), agent })))
    : [];
  return loaded;
}

/**
 * The first corpus agent that declares what a test needs, found rather than named, so the test
 * says what it relies on; throws (naming the need) when the corpus has none.
 */
export function findCorpusAgent(need: string, predicate: (agent: AgentDefinition) => boolean): CorpusAgent {
  const found = corpusAgents().find(({ agent }) => predicate(agent));
  if (!found) throw new Error(`no agent of the OSSA corpus (${CORPUS}) declares ${need}`);
  return found;
}
