using RegressionExample;

namespace AutoGrad.Tests.Examples;

public class RegressionTests
{
    private static readonly RegressionResult Short = SineRegression.Run(epochs: 60, seed: 1);

    [Fact]
    public void Sixty_epochs_fit_the_sine_down_to_the_noise_floor()
    {
        // Measured: test MSE 0.0108 against noisy targets, 0.0007 against the clean sine; MAE 0.083.
        string got = $"MSE {Short.Mse}, clean MSE {Short.MseClean}, MAE {Short.Mae}";
        Assert.True(Short.MseClean < 0.003, got);
        // The noise (σ = 0.1) sets a floor: MSE ≥ σ² and MAE ≥ σ√(2/π) ≈ 0.080, up to sampling error on 1,000 points.
        Assert.InRange(Short.Mse, 0.0095, 0.0095 + 2 * 0.005);
        Assert.InRange(Short.Mae, 0.076, 0.1);
        Assert.True(Short.History.Epochs[^1].TrainLoss < Short.History.Epochs[0].TrainLoss / 10, got);
    }

    [Fact]
    public void Regression_accuracy_uses_sigma_over_lambda_and_noise_caps_it()
    {
        var test = SineData.Sample(1000, SineRegression.Noise, 2);
        var y = test.Y.ToDoubleArray();
        double mean = y.Average();
        double rho = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average()) / 250;
        Assert.Equal(rho, Short.Rho, 6);
        // A perfect ŷ = sin(2πx) is within ρ of a noisy target with probability erf(ρ/(σ√2)) ≈ 2ρ/(σ√(2π)) for small ρ.
        Assert.Equal(2 * rho / (SineRegression.Noise * Math.Sqrt(2 * Math.PI)), Short.Ceiling, 3);
        Assert.True(Short.Accuracy < 3 * Short.Ceiling, $"accuracy {Short.Accuracy} vs ceiling {Short.Ceiling}");
        Assert.True(Short.AccuracyClean > Short.Accuracy, $"clean {Short.AccuracyClean} vs noisy {Short.Accuracy}");
        Assert.Equal(Short.History.Epochs[^1].ValidationAccuracy, Short.Accuracy, 12);
    }
}
