/**
 * axe-core (the pinned devDependency) run inside a Chromium page: the
 * WCAG 2.0, 2.1 and 2.2 A and AA rules, with what fails said so that a
 * failing test names the rule, the elements and what to fix.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import type { AxeResults, ImpactValue, Result } from 'axe-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** The rule sets axe runs: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const

/** The impacts that fail a test; "minor" and "moderate" ones are left to judgement. */
const FAILING: readonly ImpactValue[] = ['serious', 'critical']

/**
 * Loads axe into the page if it is not there yet. Not `page.addScriptTag({ content })`:
 * that adds an inline `<script>`, which the app's CSP (`script-src 'self'`)
 * refuses ("Executing inline script violates the following Content Security
 * Policy directive", tried). `page.evaluate` runs the source through the DevTools protocol,
 * which CSP does not govern, so the page keeps its real policy while it is
 * checked (unlike a context with `bypassCSP: true`), and axe uses no `eval` of its own.
 */
async function injectAxe(page: Page): Promise<void> {
  const present = await page.evaluate(() => 'axe' in window)
  if (!present) await page.evaluate(AXE_SOURCE)
}

/**
 * The serious and critical WCAG A/AA violations axe finds in the page as it
 * is now (or within `include`, a CSS selector), each as readable lines:
 * rule, impact, what it means, and every element with axe's advice for it.
 * An empty list means nothing to fix.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  await injectAxe(page)
  const results = (await page.evaluate(
    async ({ tags, include }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
      return axe.run(include ? { include: [include] } : document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    },
    { tags: [...WCAG_TAGS], include }
  )) as AxeResults
  return results.violations.filter((v) => v.impact && FAILING.includes(v.impact)).map(describeViolation)
}

/** One violation, readably: `rule (impact): help — n elements`, then each target with its summary. */
function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map((node) => {
    const summary = (node.failureSummary ?? '').replace(/\s*\n\s*/g, ' ').trim()
    return `  - ${node.target.join(' ')}\n    ${node.html.slice(0, 160)}\n    ${summary}`
  })
  return `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.length} element(s) ${violation.helpUrl}\n${nodes.join('\n')}`
}

/**
 * Fails, naming every rule and element, if axe finds a serious or critical
 * WCAG A/AA violation in the page (or within `include`). `state` says which
 * page and state was checked.
 */
export async function expectNoSeriousViolations(page: Page, state: string, include?: string): Promise<void> {
  const violations = await seriousViolations(page, include)
  if (violations.length > 0) throw new Error(`axe: ${violations.length} serious or critical violation(s) in ${state}:\n\n${violations.join('\n\n')}`)
}
