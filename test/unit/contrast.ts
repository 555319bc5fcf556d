/**
 * Colour arithmetic for the colour tests: WCAG 2.2 relative luminance and
 * contrast ratio, CSS `color-mix(in srgb, …)`, and the CIEDE2000 colour
 * difference (Sharma, Wu and Dalal 2005) over CIELAB (D65). Colours are
 * `#rrggbb`.
 */

const channels = (hex: string): [number, number, number] => {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) throw new RangeError(`Not a #rrggbb colour: ${JSON.stringify(hex)}`)
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number]
}

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG contrast ratio of two colours, 1 to 21, whichever is lighter. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** `color-mix(in srgb, colour p, base)`, as the browser rounds it to 8 bits. */
export function mix(colour: string, base: string, p: number): string {
  const [c, b] = [channels(colour), channels(base)]
  return `#${c.map((v, i) => Math.round((v * p + (b[i] as number) * (1 - p)) * 255).toString(16).padStart(2, '0')).join('')}`
}

/** CIELAB of an sRGB colour, D65 white. */
export function lab(hex: string): [number, number, number] {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number]
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116)
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
}

const RAD = Math.PI / 180

/** CIEDE2000 difference of two CIELAB colours: about 2 is just noticeable, 10 and more is plainly different. */
export function deltaE2000Lab([L1, a1, b1]: readonly number[], [L2, a2, b2]: readonly number[]): number {
  const [l1, l2, A1, A2, B1, B2] = [L1, L2, a1, a2, b1, b2] as number[] as [number, number, number, number, number, number]
  const meanC = (Math.hypot(A1, B1) + Math.hypot(A2, B2)) / 2
  const g = 0.5 * (1 - Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7)))
  const [ap1, ap2] = [(1 + g) * A1, (1 + g) * A2]
  const [cp1, cp2] = [Math.hypot(ap1, B1), Math.hypot(ap2, B2)]
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : (Math.atan2(b, a) / RAD + 360) % 360)
  const [hp1, hp2] = [hue(B1, ap1), hue(B2, ap2)]
  let dh = hp2 - hp1
  if (cp1 * cp2 === 0) dh = 0
  else if (dh > 180) dh -= 360
  else if (dh < -180) dh += 360
  const dL = l2 - l1
  const dC = cp2 - cp1
  const dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin((dh / 2) * RAD)
  const meanL = (l1 + l2) / 2
  const meanCp = (cp1 + cp2) / 2
  let meanH = hp1 + hp2
  if (cp1 * cp2 !== 0) meanH = Math.abs(hp1 - hp2) > 180 ? (meanH < 360 ? meanH + 360 : meanH - 360) / 2 : meanH / 2
  const t = 1 - 0.17 * Math.cos((meanH - 30) * RAD) + 0.24 * Math.cos(2 * meanH * RAD) + 0.32 * Math.cos((3 * meanH + 6) * RAD) - 0.2 * Math.cos((4 * meanH - 63) * RAD)
  const rotation = 30 * Math.exp(-(((meanH - 275) / 25) ** 2))
  const rc = 2 * Math.sqrt(meanCp ** 7 / (meanCp ** 7 + 25 ** 7))
  const sl = 1 + (0.015 * (meanL - 50) ** 2) / Math.sqrt(20 + (meanL - 50) ** 2)
  const sc = 1 + 0.045 * meanCp
  const sh = 1 + 0.015 * meanCp * t
  const rt = -Math.sin(2 * rotation * RAD) * rc
  return Math.sqrt((dL / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * (dC / sc) * (dH / sh))
}

/** CIEDE2000 difference of two sRGB colours. */
export const deltaE2000 = (a: string, b: string): number => deltaE2000Lab(lab(a), lab(b))
