import { isIsoDate, wallClockIn } from '../src'
import { h } from './dom'
import { formatDay, formatInstantIn, type Language } from './i18n'

// Date fields get distinct ids for their echoes within a page.
let echoes = 0

/**
 * The date (or date and time) chosen in `input`, written out in the
 * interface language beside it: "15 de octubre de 2021". A date field is
 * drawn in the order of the browser's own locale (mm/dd/yyyy in an English
 * Chromium, whatever the page's `lang`), so the order alone could mislead;
 * the words cannot. A `datetime-local` field is read on the workspace's
 * clock, `timeZone`, whose name the echo shows. Empty while nothing is chosen.
 */
export function dateEcho(input: HTMLInputElement, language: Language, timeZone?: string): HTMLElement {
  const echo = h('span', { class: 'date-echo', id: `date-echo-${++echoes}` })
  input.setAttribute('aria-describedby', echo.id)
  const show = () => {
    const [date, time] = input.value.split('T')
    if (!isIsoDate(date)) return void (echo.textContent = '')
    if (time === undefined || timeZone === undefined) return void (echo.textContent = formatDay(date, language))
    const [hours, minutes] = time.split(':').map(Number)
    echo.textContent = formatInstantIn(wallClockIn(date, (hours ?? 0) * 60 + (minutes ?? 0), timeZone), language, timeZone)
  }
  input.addEventListener('input', show)
  input.addEventListener('change', show)
  show()
  return echo
}
