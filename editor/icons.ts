const SVG = 'http://www.w3.org/2000/svg'

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value)
  return element
}

/**
 * A speech bubble, drawn rather than taken from an emoji font: machines
 * without one showed an empty box. Decorative (hidden from assistive
 * technology); it follows the text colour.
 */
export function commentIcon(): SVGSVGElement {
  const svg = svgElement('svg', { viewBox: '0 0 16 16', width: '1em', height: '1em', 'aria-hidden': 'true', focusable: 'false', class: 'icon' })
  svg.append(
    svgElement('path', {
      d: 'M2.5 2h11A1.5 1.5 0 0 1 15 3.5v7a1.5 1.5 0 0 1-1.5 1.5H7l-3.5 3v-3h-1A1.5 1.5 0 0 1 1 10.5v-7A1.5 1.5 0 0 1 2.5 2z',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': '1.5',
      'stroke-linejoin': 'round'
    })
  )
  return svg
}
