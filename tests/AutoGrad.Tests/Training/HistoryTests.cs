using AutoGrad.Training;

namespace AutoGrad.Tests.Training;

public class HistoryTests
{
    private static History Sample()
    {
        var h = new History();
        h.Add(new EpochRecord(1, 1.0986122886681098, 0.3333333333333333, 0.9, 0.5, 0.01, 0.125));
        h.Add(new EpochRecord(2, 0.5, 0.75, double.NaN, double.NaN, 0.005, 1e-3));
        h.Add(new EpochRecord(3, 0.1 + 0.2, 0.9, 0.25, 0.96666666666666667, 1e-300, 12.5));
        return h;
    }

    [Fact]
    public void Csv_round_trips_every_value_exactly_including_NaN()
    {
        var h = Sample();
        var csv = h.ToCsv();
        Assert.StartsWith("epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,1.0986122886681098,", csv);
        Assert.Contains("\n2,0.5,0.75,NaN,NaN,0.005,0.001\n", csv);
        var back = History.FromCsv(csv);
        Assert.Equal(h.Epochs, back.Epochs);   // records compare field by field; NaN equals NaN in record equality
    }

    [Fact]
    public void Json_round_trips_with_NaN_as_null()
    {
        var h = Sample();
        var json = h.ToJson();
        Assert.Contains("\"val_loss\": null", json);
        Assert.Equal(h.Epochs, History.FromJson(json).Epochs);
    }

    [Fact]
    public void Files_round_trip()
    {
        var dir = Directory.CreateTempSubdirectory("history");
        try
        {
            var h = Sample();
            h.SaveCsv(Path.Combine(dir.FullName, "h.csv"));
            h.SaveJson(Path.Combine(dir.FullName, "h.json"));
            Assert.Equal(h.Epochs, History.LoadCsv(Path.Combine(dir.FullName, "h.csv")).Epochs);
            Assert.Equal(h.Epochs, History.LoadJson(Path.Combine(dir.FullName, "h.json")).Epochs);
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [InlineData("epoch,loss\n1,2\n", "line 1 must be the header")]
    [InlineData("epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,2,3\n", "line 2 has 3 fields")]
    [InlineData("epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,x,1,1,1,1,1\n", "line 2, column 'train_loss': 'x'")]
    public void Bad_csv_names_the_line(string csv, string message)
    {
        var e = Assert.Throws<FormatException>(() => History.FromCsv(csv, "h.csv"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("h.csv:", e.Message);
    }

    [Fact]
    public void Bad_json_is_a_format_error()
    {
        Assert.Contains("invalid JSON", Assert.Throws<FormatException>(() => History.FromJson("[{")).Message);
        Assert.Contains("entry 1 has no 'seconds'", Assert.Throws<FormatException>(() => History.FromJson(
            """[{"epoch":1,"train_loss":1,"train_accuracy":1,"val_loss":1,"val_accuracy":1,"learning_rate":1}]""")).Message);
    }
}
