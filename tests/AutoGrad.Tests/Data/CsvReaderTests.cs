using AutoGrad.Data;

namespace AutoGrad.Tests.Data;

public class CsvReaderTests
{
    private static CsvTable Read(string text, bool header = false) => CsvReader.ReadTable(new StringReader(text), "toy.csv", header);

    [Fact]
    public void Reads_numbers_skipping_blank_lines_and_a_header()
    {
        var t = Read("a,b\n1,2.5\n\n-3e2, 4\n", header: true);
        Assert.Equal(["a", "b"], t.Header);
        Assert.Equal((2, 2), (t.Rows, t.Columns));
        Assert.Equal([1, 2.5, -300, 4], t.Values);
        Assert.Equal([2.5, 4], t.Column(1));
    }

    [Fact]
    public void Ragged_row_names_file_and_line()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("1,2,3\n4,5,6\n\n7,8\n"));
        Assert.Equal(4, e.Line);
        Assert.Equal("toy.csv: line 4: ragged row: 2 fields where the first data row had 3.", e.Message);
    }

    [Fact]
    public void Non_numeric_field_names_file_line_and_column()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("1,2,3\n4,five,6\n"));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.Equal("toy.csv: line 2, column 2: 'five' is not a number.", e.Message);
        Assert.Contains("empty field", Assert.Throws<CsvFormatException>(() => Read("1,,3\n")).Message);
    }

    [Fact]
    public void Dataset_from_file_takes_the_last_column_as_label_and_checks_it()
    {
        var dir = Directory.CreateTempSubdirectory("autograd-csv");
        try
        {
            var good = Path.Combine(dir.FullName, "good.csv");
            File.WriteAllText(good, "0.5,1.5,1\n2.5,3.5,0\n");
            var d = CsvReader.ReadDataset(good);
            Assert.Equal(new Shape(2, 2), d.Features.Shape);
            Assert.Equal([1, 0], d.Labels);
            Assert.Equal([2.5f, 3.5f], d[1].Features.ToFloatArray());

            var bad = Path.Combine(dir.FullName, "bad.csv");
            File.WriteAllText(bad, "h1,h2,label\n0.5,1.5,1\n\n2.5,3.5,0.5\n");
            var e = Assert.Throws<CsvFormatException>(() => CsvReader.ReadDataset(bad, hasHeader: true));
            Assert.Equal("bad.csv: line 4, column 3: label 0.5 is not a non-negative integer class index.", e.Message);
        }
        finally { dir.Delete(true); }
    }
}
