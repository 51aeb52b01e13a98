using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Razorvine.Pickle;
using static TorchSharp.torch;

namespace Diffuse.Tests.Formats;

/// <summary>
/// Writes state dicts in the format torch.save used before PyTorch 1.6 (torch/serialization.py's
/// <c>_legacy_save</c>, pickle protocol 2): pickles of the magic number, the protocol version and system
/// info, the state dict with storages as persistent ids, the storage keys, then each storage as its element
/// count (int64, little-endian) and raw bytes. Uncompressed, so large files are quick to write.
/// </summary>
public static class LegacyPyTorchWriter
{
    public sealed record Storage(string Key, string Type, long Count, byte[] Data);

    public sealed record PickledTensor(Storage Storage, long Offset, long[] Shape, long[] Stride);

    private sealed record StorageClass(string Name);

    /// <summary>Each tensor in a storage of its own, as torch.save writes a state dict of contiguous tensors.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> stateDict)
    {
        var table = new Hashtable();
        var storages = new List<Storage>();
        foreach (var (key, tensor) in stateDict)
        {
            using var contiguous = tensor.contiguous();
            var type = contiguous.dtype switch
            {
                ScalarType.Float32 => "FloatStorage",
                ScalarType.Int64 => "LongStorage",
                _ => throw new NotSupportedException(contiguous.dtype.ToString()),
            };
            var storage = new Storage(storages.Count.ToString(), type, contiguous.numel(), contiguous.bytes.ToArray());
            storages.Add(storage);
            table[key] = new PickledTensor(storage, 0, contiguous.shape, contiguous.stride());
        }
        Write(path, table, storages.ToArray());
    }

    public static void Write(string path, Hashtable stateDict, Storage[] storages)
    {
        using var file = File.Create(path);
        // pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) and pickle.dumps(1001, protocol=2), as Python writes them.
        file.Write([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        file.Write([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]);
        file.Write(new Pickler().dumps(new Hashtable { ["protocol_version"] = 1001, ["little_endian"] = true }));
        using (var pickler = new StatePickler()) file.Write(pickler.dumps(stateDict));
        var keys = storages.Select(s => s.Key).Order(StringComparer.Ordinal).ToArray();
        file.Write(new Pickler().dumps(keys.Cast<object>().ToList()));
        var byKey = storages.ToDictionary(s => s.Key);
        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys)
        {
            BinaryPrimitives.WriteInt64LittleEndian(count, byKey[key].Count);
            file.Write(count);
            file.Write(byKey[key].Data);
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
}
