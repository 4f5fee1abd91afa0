namespace AutoGrad.Plots.Tests.Browser;

// The page measures itself: after load, a script compares the browser's own boxes (getBoundingClientRect, the SVG's screen
// transform) and writes what it found into the DOM, where --dump-dom hands it to the test. Checked, for every SVG on the page:
// - every text's box (its advance width by the font's full ascent and descent) lies inside its SVG and inside every clip
//   rectangle around it: a legend entry cut at the right edge ("pooled (AUC = 0.99") or a first legend row whose ascenders
//   the clip cuts fails here;
// - no two unrotated texts overlap (tick labels crowding into each other);
// - every unclipped shape (legend frame, markers outside the data area) lies inside the SVG;
// for every image: it loaded, at its natural size; for the page: nothing is wider than the window, and no table cell or
// scrolling box overflows.
internal static class LayoutAudit
{
    public sealed record Result(int Svgs, int Texts, int Images, string[] Problems);

    public const string Script = """
        <script>
        window.addEventListener('load', () => {
          const problems = [], tol = 0.5;
          let texts = 0;
          const r2 = r => `[${r.left.toFixed(1)}, ${r.top.toFixed(1)}, ${r.right.toFixed(1)}, ${r.bottom.toFixed(1)}]`;
          const svgs = [...document.querySelectorAll('svg')];
          svgs.forEach((svg, si) => {
            const name = svg.getAttribute('aria-label') || ('svg #' + si);
            const box = svg.getBoundingClientRect();
            const m = svg.getScreenCTM();
            const clipBox = id => {
              const el = svg.querySelector('#' + CSS.escape(id) + ' rect');
              if (!el) return null;
              const x = +el.getAttribute('x') || 0, y = +el.getAttribute('y') || 0, w = +el.getAttribute('width'), h = +el.getAttribute('height');
              return { left: m.a * x + m.e, top: m.d * y + m.f, right: m.a * (x + w) + m.e, bottom: m.d * (y + h) + m.f };
            };
            const level = [];
            svg.querySelectorAll('text').forEach(t => {
              const label = t.textContent.trim();
              if (!label) return;
              texts++;
              const r = t.getBoundingClientRect();
              const where = `${name}: text "${label}" at ${r2(r)}`;
              if (r.width <= 0 || r.height <= 0) { problems.push(`${where} has no size`); return; }
              if (r.left < box.left - tol || r.right > box.right + tol || r.top < box.top - tol || r.bottom > box.bottom + tol)
                problems.push(`${where} overflows the SVG ${r2(box)}`);
              for (let a = t.parentElement; a && a !== svg; a = a.parentElement) {
                const cp = a.getAttribute('clip-path');
                const id = cp && (cp.match(/url\(#([^)]+)\)/) || [])[1];
                const c = id && clipBox(id);
                if (!c) continue;
                if (r.left < c.left - tol || r.right > c.right + tol || r.top < c.top - tol || r.bottom > c.bottom + tol)
                  problems.push(`${where} is cut by its clip rectangle ${r2(c)}`);
              }
              if (!/rotate/.test(t.getAttribute('transform') || '')) level.push({ r, label });
            });
            for (let i = 0; i < level.length; i++)
              for (let j = i + 1; j < level.length; j++) {
                const a = level[i].r, b = level[j].r;
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 1 && h > Math.min(a.height, b.height) / 3)
                  problems.push(`${name}: texts "${level[i].label}" and "${level[j].label}" overlap by ${w.toFixed(1)} × ${h.toFixed(1)} px`);
              }
            svg.querySelectorAll('rect, path, ellipse, line, polyline').forEach(s => {
              if (s.closest('clipPath, [clip-path]')) return;
              const r = s.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) return;
              if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                problems.push(`${name}: a ${s.tagName} at ${r2(r)} is cut by the SVG's edge ${r2(box)}`);
            });
          });
          const images = [...document.images];
          images.forEach(img => {
            if (!img.complete || img.naturalWidth === 0) problems.push(`image ${img.getAttribute('src')} did not load`);
            else if (img.dataset.width && img.naturalWidth !== +img.dataset.width) problems.push(`image ${img.getAttribute('src')} is ${img.naturalWidth} px wide, expected ${img.dataset.width}`);
          });
          const root = document.documentElement;
          if (root.scrollWidth > window.innerWidth + 1) problems.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
          document.querySelectorAll('td, th, .scroll, figcaption, p, h1, h2').forEach(e => {
            if (e.scrollWidth > e.clientWidth + 1) problems.push(`${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}" overflows its box (${e.scrollWidth} > ${e.clientWidth} px)`);
          });
          const pre = document.createElement('pre');
          pre.id = 'layout-audit';
          pre.textContent = JSON.stringify({ svgs: svgs.length, texts, images: images.length, problems });
          document.body.appendChild(pre);
        });
        </script>
        """;

    /// <summary>The HTML page with the audit script inserted before <c>&lt;/body&gt;</c>.</summary>
    public static string Inject(string html)
    {
        int at = html.LastIndexOf("</body>", StringComparison.Ordinal);
        Assert.True(at >= 0, "the page has no </body>");
        return html[..at] + Script + html[at..];
    }
}
