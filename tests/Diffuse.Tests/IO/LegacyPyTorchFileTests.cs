using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Diffuse.IO;
using Razorvine.Pickle;
using static TorchSharp.torch;

namespace Diffuse.Tests.IO;

/// <summary>
/// State dicts in the format torch.save wrote before PyTorch 1.6 (pytorch-fid's Inception weights are one),
/// written here byte by byte as torch/serialization.py's <c>_legacy_save</c> lays them out.
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
        var floats = new Storage("0", "FloatStorage", 6, Bytes(new float[] { 0, 1, 2, 3, 4, 5 }));
        var offsetFloats = new Storage("1", "FloatStorage", 5, Bytes(new float[] { 10, 11, 12, 13, 14 }));
        var counter = new Storage("2", "LongStorage", 1, BitConverter.GetBytes(7L));
        var path = _temp.File("legacy.pth");
        WriteLegacy(path, new Hashtable
        {
            ["layer.weight"] = new PickledTensor(floats, 0, [2, 3], [3, 1]),
            ["layer.weight_t"] = new PickledTensor(floats, 0, [3, 2], [1, 3]),
            ["layer.bias"] = new PickledTensor(offsetFloats, 2, [3], [1]),
            ["bn.num_batches_tracked"] = new PickledTensor(counter, 0, [], []),
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
        var storage = new Storage("0", "FloatStorage", 4, Bytes(new float[] { 1, 2, 3, 4 }));
        var path = _temp.File("cut.pth");
        WriteLegacy(path, new Hashtable { ["w"] = new PickledTensor(storage, 0, [4], [1]) }, [storage]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.Throws<DiffuseException>(() => PyTorchWeights.Read(path));
        Assert.StartsWith($"{path}: not a readable PyTorch state dict (pre-1.6 format)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    // ---- the writer: torch/serialization.py _legacy_save, protocol 2 ----

    private sealed record Storage(string Key, string Type, long Count, byte[] Data);

    private sealed record PickledTensor(Storage Storage, long Offset, long[] Shape, long[] Stride);

    private sealed record StorageClass(string Name);

    private static void WriteLegacy(string path, Hashtable stateDict, Storage[] storages)
    {
        using var file = File.Create(path);
        // pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) and pickle.dumps(1001, protocol=2), as Python writes them.
        file.Write([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        file.Write([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]);
        file.Write(new Pickler().dumps(new Hashtable { ["protocol_version"] = 1001, ["little_endian"] = true }));
        using (var pickler = new StatePickler()) file.Write(pickler.dumps(stateDict));
        var keys = storages.Select(s => s.Key).Order(StringComparer.Ordinal).ToArray();
        file.Write(new Pickler().dumps(keys.Cast<object>().ToList()));
        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys)
        {
            var storage = storages.Single(s => s.Key == key);
            BinaryPrimitives.WriteInt64LittleEndian(count, storage.Count);
            file.Write(count);
            file.Write(storage.Data);
        }
    }

    /// <summary>Tensors become <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c>
    /// and storages the persistent id ('storage', torch.XStorage, key, 'cpu', numel, None).</summary>
    private sealed class StatePickler : Pickler
    {
        static StatePickler()
        {
            registerCustomDeconstructor(typeof(PickledTensor), new TensorDeconstructor());
            registerCustomPickler(typeof(StorageClass), new StorageClassPickler());
        }

        protected override bool persistentId(object obj, out object? pid)
        {
            pid = obj is Storage s ? new object?[] { "storage", new StorageClass(s.Type), s.Key, "cpu", s.Count, null } : null;
            return pid is not null;
        }

        private sealed class TensorDeconstructor : IObjectDeconstructor
        {
            public string get_module() => "torch._utils";

            public string get_name() => "_rebuild_tensor_v2";

            public object[] deconstruct(object obj)
            {
                var t = (PickledTensor)obj;
                return [t.Storage, t.Offset, t.Shape.Cast<object>().ToArray(), t.Stride.Cast<object>().ToArray(), false, new Hashtable()];
            }
        }

        private sealed class StorageClassPickler : IObjectPickler
        {
            public void pickle(object o, Stream outs, Pickler currentPickler)
            {
                outs.WriteByte(Opcodes.GLOBAL);
                outs.Write(Encoding.ASCII.GetBytes($"torch\n{((StorageClass)o).Name}\n"));
            }
        }
    }

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
