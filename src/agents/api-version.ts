/**
 * OSSA apiVersions this runtime reads: `ossa/v0.2.2` through `ossa/v0.5.x`, and `ossa/v1`.
 * The fields the runtime uses (name, version, prompt, model) kept their meaning across them.
 */
export type ApiVersionCheck =
  | { readonly ok: true; readonly normalized: string; readonly warning?: string }
  | { readonly ok: false; readonly reason: string };

const SHAPE = /^(ossa\/)?v(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?$/;

export const SUPPORTED_API_VERSIONS = 'ossa/v0.2.2 through ossa/v0.5.x, or ossa/v1';

export function checkApiVersion(value: unknown): ApiVersionCheck {
  if (typeof value !== 'string' || value.trim() === '') {
    return { ok: false, reason: `apiVersion is required (expected ${SUPPORTED_API_VERSIONS})` };
  }
  const match = SHAPE.exec(value.trim());
  if (!match) return { ok: false, reason: `apiVersion "${value}" is not an OSSA version (expected ${SUPPORTED_API_VERSIONS})` };
  const [, prefix, majorText, minorText, patchText] = match;
  const major = Number(majorText);
  const minor = Number(minorText ?? 0);
  const patch = Number(patchText ?? 0);
  const supported = major === 1 || (major === 0 && ((minor === 2 && patch >= 2) || (minor >= 3 && minor <= 5)));
  if (!supported) return { ok: false, reason: `apiVersion "${value}" is not supported (expected ${SUPPORTED_API_VERSIONS})` };
  const normalized = prefix ? value.trim() : `ossa/${value.trim()}`;
  // Some OSSA examples write `v0.3.0` without the group: unambiguous, so read it and say so.
  return prefix
    ? { ok: true, normalized }
    : { ok: true, normalized, warning: `apiVersion "${value}" lacks the "ossa/" prefix; read as "${normalized}"` };
}
