using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using AutoGrad.Differentiation;
using AutoGrad.Tests.Autograd;
using AutoGrad.Inspection;

namespace AutoGrad.Tests.Inspection;

public class GraphTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static int Line([CallerLineNumber] int line = 0) => line;

    private static Tensor S(double v, string name) { var t = Tensor.Scalar(v, DType.Float64).RequireGrad(); t.Name = name; return t; }

    // micrograd's first example, shrunk: d = a·b + c with a = 2, b = −3, c = 10.
    private static (Tensor D, int MulLine, int AddLine) Micro()
    {
        var (a, b, c) = (S(2, "a"), S(-3, "b"), S(10, "c"));
        var (e, l1) = (a.Multiply(b), Line());
        e.Name = "e";
        var (d, l2) = (e.Add(c), Line());
        d.Name = "d";
        return (d, l1, l2);
    }

    [Fact]
    public void Graph_lists_nodes_in_tape_order_with_shapes_dtype_and_site()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).RequireGrad();
        var w = Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 1 }, 3, 2).RequireGrad();
        var (h, l1) = (x.MatMul(w), Line());
        var (y, l2) = (h.Tanh().Sum(), Line());
        var g = Graph.Of(y);
        Assert.Equal(new[] { "MatMul", "Tanh", "Sum" }, g.Nodes.Select(n => n.Op));
        Assert.Equal(new[] { new Shape(2, 3), new Shape(3, 2) }, g.Nodes[0].InputShapes);
        Assert.Equal(new Shape(2, 2), g.Nodes[0].OutputShape);
        Assert.Equal(DType.Float64, g.Nodes[2].DType);
        Assert.Equal(new[] { l1, l2, l2 }, g.Nodes.Select(n => n.Site.Line));
        Assert.Equal(5, g.Values.Count);                      // x, w, h, tanh h, y
        Assert.False(g.IsScalar);
        Assert.Equal($"#0 MatMul (2, 3), (3, 2) -> (2, 2) float64 at GraphTests.cs:{l1}", g.ToString().Split('\n')[0]);
    }

    [Fact]
    public void Dot_export_of_a_scalar_graph_matches_the_expected_text_exactly()
    {
        var (d, l1, l2) = Micro();
        var dot = Graph.Of(d, computeGradients: true).ToDot();
        var expected = $$"""
            digraph autograd {
              rankdir=LR;
              node [fontname="Helvetica", fontsize=10];
              v0 [shape=record, label="{ a | data 2.0000 | grad -3.0000 }", style=filled, fillcolor="#eef5ff"];
              v1 [shape=record, label="{ b | data -3.0000 | grad 2.0000 }", style=filled, fillcolor="#eef5ff"];
              op0 [shape=ellipse, label="Multiply\nGraphTests.cs:{{l1}}"];
              v0 -> op0;
              v1 -> op0;
              v2 [shape=record, label="{ e | data -6.0000 | grad 1.0000 }"];
              op0 -> v2;
              v3 [shape=record, label="{ c | data 10.0000 | grad 1.0000 }", style=filled, fillcolor="#eef5ff"];
              op1 [shape=ellipse, label="Add\nGraphTests.cs:{{l2}}"];
              v2 -> op1;
              v3 -> op1;
              v4 [shape=record, label="{ d | data 4.0000 | grad 1.0000 }"];
              op1 -> v4;
            }

            """;
        Assert.Equal(expected, dot);
        Assert.Null(d.Grad);                                  // computeGradients does not write .Grad
    }

    [Fact]
    public void Without_computed_gradients_the_view_shows_Grad_after_backward_and_a_dash_elsewhere()
    {
        var (d, _, _) = Micro();
        d.Backward();
        var g = Graph.Of(d);                                  // the graph was freed, but its structure remains
        Assert.Equal(new double?[] { -3, 2, null, 1, null }, g.Values.Select(v => v.Grad));
        Assert.Contains("{ e | data -6.0000 | grad — }", g.ToDot());
    }

    [Fact]
    public void Html_is_self_contained_and_well_formed_svg()
    {
        var (d, _, _) = Micro();
        var html = Graph.Of(d, computeGradients: true).ToHtml("micro");
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        int s = html.IndexOf("<svg", StringComparison.Ordinal), e = html.IndexOf("</svg>", StringComparison.Ordinal) + 6;
        var svg = XDocument.Parse(html[s..e]).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, svg.Descendants(ns + "ellipse").Count());
        Assert.Equal(5, svg.Descendants(ns + "rect").Count());
        Assert.Equal(6, svg.Descendants(ns + "path").Count(p => (string?)p.Attribute("class") == "edge"));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("data -6.0000", texts);
        Assert.Contains("grad -3.0000", texts);
        Assert.Contains("Multiply", texts);
    }

    [FactWhenFileExists(Chromium, "apt-get install chromium")]
    public void Html_renders_in_headless_chromium()
    {
        var (d, l1, _) = Micro();
        var dir = Directory.CreateTempSubdirectory("autograd-graph-");
        try
        {
            var page = Path.Combine(dir.FullName, "graph.html");
            File.WriteAllText(page, Graph.Of(d, computeGradients: true).ToHtml("micro"));
            var (code, dom, err) = RunChromium(dir.FullName, "--dump-dom", new Uri(page).AbsoluteUri);
            Assert.True(code == 0, $"chromium exited with {code}: {err}");
            Assert.Contains("<svg", dom);
            Assert.Contains("</svg>", dom);
            Assert.Contains("data 4.0000", dom);
            Assert.Contains($"GraphTests.cs:{l1}", dom);
            Assert.Contains("<td>Multiply</td>", dom);
            var png = Path.Combine(dir.FullName, "graph.png");
            (code, _, err) = RunChromium(dir.FullName, $"--screenshot={png}", "--window-size=900,600", new Uri(page).AbsoluteUri);
            Assert.True(code == 0 && File.Exists(png), $"screenshot failed ({code}): {err}");
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            Assert.True(bytes.Length > 5000, $"screenshot of {bytes.Length} bytes is suspiciously small");
        }
        finally { dir.Delete(recursive: true); }
    }

    private static (int Code, string Stdout, string Stderr) RunChromium(string profileParent, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var psi = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile.FullName}" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); return (-1, "", "timed out after 120 s"); }
        try { profile.Delete(recursive: true); } catch (IOException) { }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
