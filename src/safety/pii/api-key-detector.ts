import { isAsciiAlnum, patternDetector } from './pii-detector.js';

/**
 * API keys and tokens by the shapes their vendors give them (the gateway's own keys are found
 * exactly, by `SecretScanner`; these are anyone's): OpenAI and Anthropic `sk-...` (`sk-proj-`,
 * `sk-ant-api03-`), Stripe `sk_live_`/`rk_test_`..., GitHub `ghp_`/`gho_`/`ghs_`/`github_pat_`,
 * GitLab `glpat-`, Slack `xox[abpr]-`, AWS access key ids `AKIA`/`ASIA`, Google `AIza`.
 */
export const apiKeyDetector = patternDetector({
  type: 'api_key',
  maxLength: 220,
  isChar: (code) => isAsciiAlnum(code) || code === 45 || code === 95,
  pattern:
    /(?<![\w-])(?:sk-[A-Za-z0-9_-]{20,200}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,200}|gh[pousr]_[A-Za-z0-9]{36,200}|github_pat_[A-Za-z0-9_]{22,200}|glpat-[A-Za-z0-9_-]{20,200}|xox[abpr]-[A-Za-z0-9-]{10,200}|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[A-Za-z0-9_-]{35})(?![\w-])/g,
});
