using System.Collections;
using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Tests.Formats;

/// <summary>
/// State dicts in the format torch.save wrote before PyTorch 1.6 (pytorch-fid's Inception weights are one),
/// written as torch/serialization.py's <c>_legacy_save</c> lays them out (<see cref="LegacyPyTorchWriter"/>).
/// </summary>
public sealed class LegacyPyTorchFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Tensors_come_back_with_their_values_shapes_offsets_and_strides()
    {
        // Storage "0": 6 floats 0..5 shared by a [2, 3] weight and by its transpose ([3, 2], strides [1, 3]).
        // Storage "1": 5 floats 10..14 of which a bias uses elements 2..4 (offset 2).
        // Storage "2": one int64, a batch norm's step counter of shape [].
        var floats = new LegacyPyTorchWriter.Storage("0", "FloatStorage", 6, Bytes(new float[] { 0, 1, 2, 3, 4, 5 }));
        var offsetFloats = new LegacyPyTorchWriter.Storage("1", "FloatStorage", 5, Bytes(new float[] { 10, 11, 12, 13, 14 }));
        var counter = new LegacyPyTorchWriter.Storage("2", "LongStorage", 1, BitConverter.GetBytes(7L));
        var path = _temp.File("legacy.pth");
        LegacyPyTorchWriter.Write(path, new Hashtable
        {
            ["layer.weight"] = new LegacyPyTorchWriter.PickledTensor(floats, 0, [2, 3], [3, 1]),
            ["layer.weight_t"] = new LegacyPyTorchWriter.PickledTensor(floats, 0, [3, 2], [1, 3]),
            ["layer.bias"] = new LegacyPyTorchWriter.PickledTensor(offsetFloats, 2, [3], [1]),
            ["bn.num_batches_tracked"] = new LegacyPyTorchWriter.PickledTensor(counter, 0, [], []),
        }, [floats, offsetFloats, counter]);

        var weights = PyTorchWeights.Read(path);
        try
        {
            Assert.Equal(4, weights.Count);
            Assert.Equal(new long[] { 2, 3 }, weights["layer.weight"].shape);
            Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, weights["layer.weight"].data<float>().ToArray());
            Assert.Equal(new long[] { 3, 2 }, weights["layer.weight_t"].shape);
            Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, weights["layer.weight_t"].contiguous().data<float>().ToArray());
            Assert.Equal(new float[] { 12, 13, 14 }, weights["layer.bias"].data<float>().ToArray());
            Assert.Equal(ScalarType.Int64, weights["bn.num_batches_tracked"].dtype);
            Assert.Empty(weights["bn.num_batches_tracked"].shape);
            Assert.Equal(7L, weights["bn.num_batches_tracked"].item<long>());
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_file_cut_inside_the_storages_is_rejected_by_name()
    {
        var storage = new LegacyPyTorchWriter.Storage("0", "FloatStorage", 4, Bytes(new float[] { 1, 2, 3, 4 }));
        var path = _temp.File("cut.pth");
        LegacyPyTorchWriter.Write(path, new Hashtable { ["w"] = new LegacyPyTorchWriter.PickledTensor(storage, 0, [4], [1]) }, [storage]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.ThrowsAny<DiffuseException>(() => PyTorchWeights.Read(path));
        Assert.StartsWith($"{path}: not a readable PyTorch state dict (pre-1.6 format)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
