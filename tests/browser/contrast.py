"""WCAG 2.2 AA text contrast, measured in the browser on what is actually drawn."""

from __future__ import annotations

# For every visible element with its own text: the text colour against the background it
# sits on (ancestors' backgrounds composited until opaque). Large text (>= 24 px, or
# >= 18.66 px bold) needs 3:1, the rest 4.5:1. Returns the failures.
CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0];
    return {r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1}; };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = c => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const c of layers.reverse()) { bg = over(c, bg); }
    return bg;
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility || !el.checkVisibility({opacityProperty: true,
        visibilityProperty: true})) { continue; }
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) { continue; }
    const style = getComputedStyle(el);
    const fg = over(parse(style.color), background(el));
    const [hi, lo] = [lum(fg), lum(background(el))].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) {
      failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim()
        .slice(0, 30)}" ${ratio.toFixed(2)} < ${need}`);
    }
  }
  return failures;
}
"""


def contrast_failures(page) -> list[str]:
    return page.evaluate(CONTRAST_JS)
