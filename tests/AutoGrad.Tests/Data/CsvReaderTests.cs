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

    [Fact]
    public void Label_90210_is_rejected_instead_of_making_a_90211_class_data_set()
    {
        var table = Read("0.5,1\n1.5,0\n2.5,90210\n");
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.ToDataset(table, "zip.csv", -1, null));
        Assert.Equal("zip.csv: line 3, column 2: label 90210 would make 90211 classes, more than the 65536 inferred without class names (pass classNames if this is meant).", e.Message);
        var names = Enumerable.Range(0, 90211).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(90211, CsvReader.ToDataset(table, "zip.csv", -1, names).ClassCount);   // explicit names allow it
        Assert.Equal(2, CsvReader.ToDataset(Read("0.5,1\n1.5,0\n"), "ok.csv", -1, null).ClassCount);
    }

    [Fact]
    public void Label_int_MaxValue_is_a_CsvFormatException_naming_the_row_not_an_Enumerable_Range_error()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvReader.ToDataset(Read("1,0\n2,2147483647\n"), "max.csv", -1, null));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.StartsWith("max.csv: line 2, column 2: label 2147483647 would make 2147483648 classes", e.Message);
        Assert.Contains("not a non-negative integer", Assert.Throws<CsvFormatException>(() => CsvReader.ToDataset(Read("1,NaN\n"), "nan.csv", -1, null)).Message);
    }

    [Fact]
    public void A_line_longer_than_the_limit_fails_at_the_limit()
    {
        var e = Assert.Throws<CsvFormatException>(() => Read("1,2\n" + new string('7', CsvReader.MaxLineChars + 1)));
        Assert.Equal($"toy.csv: line 2: the line is longer than {CsvReader.MaxLineChars} characters; this does not look like a text table.", e.Message);
        Assert.Equal(1, Read(string.Join(",", Enumerable.Repeat("0", CsvReader.MaxLineChars / 2))).Rows);   // MaxLineChars − 1 characters: accepted
    }

    [Fact]
    public void Line_ends_are_lf_crlf_or_cr_as_before()
    {
        var t = Read("1,2\r\n3,4\r5,6\n\n7,8");
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], t.Values);
        Assert.Equal([1, 2, 3, 5], t.LineNumbers);
    }
}
