using AutoGrad.Data;
using FashionMnistExample;
using OnnxExportExample;

namespace AutoGrad.Onnx.Tests.Examples;

/// <summary>examples/OnnxExport's core on a small part of Fashion-MNIST: the trained CNN gives the same classes in ONNX Runtime.</summary>
public class OnnxExportExampleTests
{
    [FactWhenFashionMnist]
    public void Trained_fashion_mnist_cnn_agrees_with_onnx_runtime()
    {
        var data = FashionTraining.Load(images: true, trainCount: 1024, testCount: 600);
        var model = OnnxDeployment.Train(data, epochs: 1);
        var path = Path.Combine(Path.GetTempPath(), $"fashion-cnn-{Guid.NewGuid():N}.onnx");
        try
        {
            var r = OnnxDeployment.ExportAndCompare(model, data.Test, path);
            Assert.Equal(600, r.TestImages);
            Assert.Equal(600, r.SamePredictions);
            Assert.Equal(r.AutoGradAccuracy, r.OnnxAccuracy);
            Assert.InRange(r.MaxRelativeDifference, 0, 1e-5);
            Assert.InRange(r.AutoGradAccuracy, 0.25, 1.0);  // 1,024 images, one epoch: well above chance (0.1)
            Assert.True(r.FileBytes > 4 * 12_810);          // the weights (12,810 float32 parameters) are in the file
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A fact that is skipped when Debian's Fashion-MNIST package is not installed.</summary>
public sealed class FactWhenFashionMnistAttribute : FactAttribute
{
    public FactWhenFashionMnistAttribute()
    {
        if (!Directory.Exists(Datasets.FashionMnistDebianFolder))
            Skip = $"{Datasets.FashionMnistDebianFolder} is absent on this machine (apt-get install dataset-fashion-mnist).";
    }
}
