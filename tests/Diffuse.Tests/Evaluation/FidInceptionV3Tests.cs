using Diffuse.Evaluation.Inception;
using Diffuse.Tests.Formats;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffuse.Tests.Evaluation;

/// <summary>
/// pytorch-fid's Inception-v3 rebuilt with its state-dict keys. Without the 2015 weights (nothing is
/// downloaded) the checks are structural: keys, shapes and the parameter count derived from pytorch-fid's
/// source, and a file written from our own randomly initialised network loading back to identical features.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class FidInceptionV3Tests : IClassFixture<FidInceptionV3Tests.Network>, IDisposable
{
    /// <summary>One randomly initialised network shared by the tests: building one draws 24 M weights.</summary>
    public sealed class Network : IDisposable
    {
        public FidInceptionV3 Model { get; }

        public Network()
        {
            random.manual_seed(17);
            Model = new FidInceptionV3();
            // Non-trivial batch-norm statistics, so a load that skipped the buffers would show.
            using var noGrad = no_grad();
            foreach (var (key, tensor) in Model.state_dict())
            {
                if (key.EndsWith(".running_mean")) tensor.copy_(randn(tensor.shape) * 0.1);
                if (key.EndsWith(".running_var")) tensor.copy_(rand(tensor.shape) + 0.5);
            }
            Model.eval();
        }

        public void Dispose() => Model.Dispose();
    }

    private readonly FidInceptionV3 _model;
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _temp = new();

    public FidInceptionV3Tests(Network network, ITestOutputHelper output)
    {
        _model = network.Model;
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Keys and shapes of pytorch-fid's fid_inception_v3(): torchvision's Inception3(num_classes=1008,
    /// aux_logits=False) with FIDInceptionA/C/E_1/E_2 in Mixed_5b–5d, 6b–6e, 7b, 7c (src/pytorch_fid/inception.py).</summary>
    public static TheoryData<string, long[]> PyTorchFidKeys() => new()
    {
        { "Conv2d_1a_3x3.conv.weight", [32, 3, 3, 3] },
        { "Conv2d_1a_3x3.bn.running_var", [32] },
        { "Conv2d_2b_3x3.conv.weight", [64, 32, 3, 3] },
        { "Conv2d_3b_1x1.conv.weight", [80, 64, 1, 1] },
        { "Conv2d_4a_3x3.bn.weight", [192] },
        { "Mixed_5b.branch5x5_2.conv.weight", [64, 48, 5, 5] },
        { "Mixed_5b.branch_pool.conv.weight", [32, 192, 1, 1] },
        { "Mixed_5d.branch3x3dbl_3.conv.weight", [96, 96, 3, 3] },
        { "Mixed_6a.branch3x3.conv.weight", [384, 288, 3, 3] },
        { "Mixed_6b.branch7x7_2.conv.weight", [128, 128, 1, 7] },
        { "Mixed_6c.branch7x7dbl_2.conv.weight", [160, 160, 7, 1] },
        { "Mixed_6e.branch7x7dbl_5.conv.weight", [192, 192, 1, 7] },
        { "Mixed_7a.branch3x3_2.conv.weight", [320, 192, 3, 3] },
        { "Mixed_7a.branch7x7x3_3.conv.weight", [192, 192, 7, 1] },
        { "Mixed_7b.branch3x3_2b.conv.weight", [384, 384, 3, 1] },
        { "Mixed_7b.branch1x1.conv.weight", [320, 1280, 1, 1] },
        { "Mixed_7c.branch3x3dbl_1.conv.weight", [448, 2048, 1, 1] },
        { "Mixed_7c.branch_pool.bn.running_mean", [192] },
        { "fc.weight", [1008, 2048] },
        { "fc.bias", [1008] },
    };

    [Theory]
    [MemberData(nameof(PyTorchFidKeys))]
    public void State_dict_has_pytorch_fids_key_and_shape(string key, long[] shape)
    {
        var state = _model.state_dict();
        Assert.True(state.ContainsKey(key), $"no '{key}'");
        Assert.Equal(shape, state[key].shape);
    }

    [Fact]
    public void Parameter_and_tensor_counts_match_pytorch_fids_network()
    {
        // From pytorch-fid's source: 94 BasicConv2d units (5 stem + 3×7 InceptionA + 4 InceptionB + 4×10 InceptionC
        // + 6 InceptionD + 2×9 InceptionE) with bias-free convolutions and batch norm, plus fc 2048→1008:
        // conv weights 21,751,136 + batch-norm weight and bias 34,432 + fc 2,065,392 = 23,850,960 parameters.
        // Cross-check: torchvision documents 27,161,264 for inception_v3 (1000 classes, AuxLogits 3,326,696);
        // without AuxLogits and with 8 more classes (+16,392): 23,850,960.
        Assert.Equal(23_850_960, _model.parameters().Sum(p => p.numel()));
        var keys = _model.state_dict().Keys.ToList();
        Assert.Equal(94, keys.Count(k => k.EndsWith(".num_batches_tracked")));
        // What the ported file holds: 5 tensors per unit (conv weight, bn weight, bias, running mean and variance) + fc's 2.
        Assert.Equal(472, keys.Count(k => !k.EndsWith(".num_batches_tracked")));
        Assert.DoesNotContain(keys, k => k.StartsWith("AuxLogits"));
    }

    [Fact]
    public void A_pth_written_from_the_network_loads_back_to_identical_features_of_28x28_gray_images()
    {
        // Written as the ported file most likely is: torch.save's pre-1.6 format (uncompressed, so quick to
        // write, unlike PyBridge's zip), a plain state dict without batch norm's step counters.
        var path = _temp.File(FidInceptionWeights.PyTorchFidFile);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        LegacyPyTorchWriter.Write(path, _model.state_dict().Where(w => !w.Key.EndsWith(".num_batches_tracked")));
        _output.WriteLine($"wrote {new FileInfo(path).Length / 1e6:F1} MB in {clock.Elapsed.TotalSeconds:F1} s");

        random.manual_seed(99);                                  // the loaded network starts from other random weights
        clock.Restart();
        using var loaded = FidInceptionWeights.Load(path);
        _output.WriteLine($"loaded in {clock.Elapsed.TotalSeconds:F1} s");
        using var generator = new Generator().manual_seed(3);
        using var images = rand([1, 1, 28, 28], generator: generator) * 2 - 1;   // one image: 299×299 on a CPU is slow
        clock.Restart();
        using var expected = _model.Features(images);
        _output.WriteLine($"features of 1 image in {clock.Elapsed.TotalSeconds:F1} s");
        using var actual = loaded.Features(images);
        Assert.Equal(new long[] { 1, 2048 }, actual.shape);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.True(expected.eq(actual).all().item<bool>(), "features differ after the round trip");
        Assert.True(actual.min().item<float>() >= 0, "pool3 averages ReLU outputs");
        Assert.True(actual.std().item<float>() > 0, "features are not constant");
    }

    [Fact]
    public void A_gray_image_gives_the_features_of_its_rgb_copy()
    {
        using var generator = new Generator().manual_seed(4);
        using var gray = rand([1, 1, 28, 28], generator: generator) * 2 - 1;
        using var rgb = gray.expand(1, 3, 28, 28).contiguous();
        using var fromGray = _model.Features(gray);
        using var fromRgb = _model.Features(rgb);
        Assert.True(fromGray.allclose(fromRgb, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Step_counters_are_optional_whatever_their_shape()
    {
        var weights = _model.state_dict().ToDictionary(w => w.Key, w => w.Value);
        using var counter = tensor(7L);                                  // a PyTorch state dict's shape []
        using var readByPyBridge = tensor(new[] { 7L });                // what PyBridge's reader makes of it: [1]
        weights["Mixed_5b.branch1x1.bn.num_batches_tracked"] = counter;
        weights["Mixed_5c.branch1x1.bn.num_batches_tracked"] = readByPyBridge;
        using var copy = new FidInceptionV3();
        FidInceptionWeights.LoadInto(copy, weights, "memory");
        Assert.True(copy.state_dict()["Mixed_7c.branch_pool.conv.weight"].eq(_model.state_dict()["Mixed_7c.branch_pool.conv.weight"]).all().item<bool>());
    }

    [Fact]
    public void A_missing_weight_is_named_in_one_line()
    {
        var weights = _model.state_dict().Where(w => w.Key != "Mixed_6c.branch7x7_2.conv.weight").ToDictionary(w => w.Key, w => w.Value);
        using var copy = new FidInceptionV3();
        var e = Assert.ThrowsAny<DiffuseException>(() => FidInceptionWeights.LoadInto(copy, weights, "w.pth"));
        Assert.Equal("w.pth: missing weight 'Mixed_6c.branch7x7_2.conv.weight'", e.Message);
    }

    [Fact]
    public void A_weight_of_the_wrong_shape_is_named_in_one_line()
    {
        var weights = _model.state_dict().ToDictionary(w => w.Key, w => w.Value);
        using var torchvisionHead = zeros(1000, 2048);                 // torchvision's ImageNet head, not pytorch-fid's
        weights["fc.weight"] = torchvisionHead;
        using var copy = new FidInceptionV3();
        var e = Assert.ThrowsAny<DiffuseException>(() => FidInceptionWeights.LoadInto(copy, weights, "w.pth"));
        Assert.StartsWith("w.pth: weight 'fc.weight' has shape [1000, 2048]", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
