using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Diffuse.Formats;

/// <summary>
/// Reads a state dict in the format <c>torch.save</c> wrote before PyTorch 1.6 (<c>_legacy_save</c> in
/// torch/serialization.py), which files such as pytorch-fid's Inception weights still use: five pickles and
/// the raw storages one after another. (1) the magic number 0x1950a86a20f9469cfc6c, (2) the protocol version
/// 1001, (3) system info, (4) the state dict, whose tensors are <c>_rebuild_tensor_v2(storage, offset, size,
/// stride, …)</c> with each storage given by the persistent id ('storage', type, key, location, numel, view),
/// (5) the storage keys in the order the storages follow, then each storage as its element count (int64,
/// little-endian) and its bytes. Like <see cref="PyTorchWeights"/> this builds tensors and plain containers
/// only and runs no code from the file.
/// </summary>
public static class LegacyPyTorchFile
{
    /// <summary>What the first 4 bytes are: pickle protocol 2, then a 10-byte LONG1, the start of the magic number.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x80 && head[1] == 0x02 && head[2] == 0x8a && head[3] == 0x0a;

    private static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    // The rebuild functions are renamed, at equal length, in a copy of the state-dict pickle so that they resolve
    // to this reader's constructors and not to those TorchSharp.PyBridge registers for the zip format (the
    // pickle library keeps one process-wide table). Storages come after that pickle, so tensors are built last.
    private const string RebuildV2 = "\n_rebuild_tensor_v2\n", RebuildV2Here = "\n_rebuild_tensor_vL\n";
    private const string RebuildV1 = "\n_rebuild_tensor\n", RebuildV1Here = "\n_rebuild_tensoL\n";

    static LegacyPyTorchFile()
    {
        // PyBridge's constructor for collections.OrderedDict keeps a state dict's tensors and drops its _metadata.
        RuntimeHelpers.RunClassConstructor(typeof(PyTorchUnpickler).TypeHandle);
        Unpickler.registerConstructor("torch._utils", RebuildV2Here.Trim('\n'), new TensorConstructor());
        Unpickler.registerConstructor("torch._utils", RebuildV1Here.Trim('\n'), new TensorConstructor());
    }

    /// <summary>All tensors of the state dict by key; the caller disposes them. Throws <see cref="DiffuseException"/> naming <paramref name="path"/>.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try { return Read(bytes); }
        catch (Exception e) when (e is not DiffuseException)
        {
            throw new DiffuseException($"{path}: not a readable PyTorch state dict (pre-1.6 format): {e.Message.Split('\n')[0]}");
        }
    }

    private static Dictionary<string, Tensor> Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        if (new Unpickler().load(stream) is not BigInteger magic || magic != MagicNumber) throw new InvalidDataException("wrong magic number");
        var version = new Unpickler().load(stream);
        if (version is not (int or long) || Convert.ToInt64(version) != ProtocolVersion) throw new InvalidDataException("unknown protocol version");
        new Unpickler().load(stream);                                              // system info: byte order, sizes

        var storages = new Dictionary<string, LegacyStorage>();
        int start = (int)stream.Position;
        object root;
        using (var renamed = new MemoryStream(RenameRebuilds(bytes, start), writable: false))
        {
            renamed.Position = start;
            root = new StorageUnpickler(storages).load(renamed);
            stream.Position = renamed.Position;
        }
        if (new Unpickler().load(stream) is not IList keys) throw new InvalidDataException("no list of storage keys");
        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out var storage)) throw new InvalidDataException($"storage '{key}' is not used by the state dict");
            stream.ReadExactly(count);
            long numel = BinaryPrimitives.ReadInt64LittleEndian(count);
            if (numel != storage.Count) throw new InvalidDataException($"storage '{key}' holds {numel} elements, the pickle says {storage.Count}");
            storage.Bytes = new byte[checked(numel * storage.ElementSize)];
            stream.ReadExactly(storage.Bytes);
        }
        if (root is not IDictionary table) throw new InvalidDataException($"holds a {root.GetType().Name}, not a state dict");
        return Build(table);
    }

    private static Dictionary<string, Tensor> Build(IDictionary table)
    {
        var weights = new Dictionary<string, Tensor>();
        try
        {
            foreach (DictionaryEntry item in table)
            {
                if (item.Key is not string key || item.Value is not LegacyTensor tensor)
                    throw new InvalidDataException($"entry '{item.Key}' is not a tensor (expected a state dict saved with torch.save(model.state_dict(), ...))");
                weights.Add(key, tensor.Build());
            }
            return weights;
        }
        catch
        {
            foreach (var t in weights.Values) t.Dispose();
            throw;
        }
    }

    private static byte[] RenameRebuilds(byte[] bytes, int start)
    {
        var copy = (byte[])bytes.Clone();
        foreach (var (from, to) in new[] { (RebuildV2, RebuildV2Here), (RebuildV1, RebuildV1Here) })
        {
            byte[] pattern = Encoding.ASCII.GetBytes(from), replacement = Encoding.ASCII.GetBytes(to);
            for (int at = copy.AsSpan(start).IndexOf(pattern); at >= 0;)
            {
                replacement.CopyTo(copy, start + at);
                int next = copy.AsSpan(start + at + pattern.Length).IndexOf(pattern);
                at = next < 0 ? -1 : at + pattern.Length + next;
            }
        }
        return copy;
    }

    /// <summary>Turns each storage's persistent id into a <see cref="LegacyStorage"/> whose bytes are read later.</summary>
    private sealed class StorageUnpickler(Dictionary<string, LegacyStorage> storages) : Unpickler
    {
        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: >= 5 } id || id[0] as string != "storage" || id[1] is not ClassDictConstructor type || id[2] is not string key)
                throw new InvalidDataException("unknown persistent id");
            if (id.Length > 5 && id[5] is not null) throw new InvalidDataException("storage views are not supported");
            if (!storages.TryGetValue(key, out var storage))
            {
                var dtype = StorageType(type.name);
                storage = new LegacyStorage(dtype, Convert.ToInt64(id[4]), (int)empty(0, dtype).ElementSize);
                storages.Add(key, storage);
            }
            return storage;
        }

        private static ScalarType StorageType(string name) => name switch
        {
            "FloatStorage" => ScalarType.Float32,
            "DoubleStorage" => ScalarType.Float64,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            _ => throw new InvalidDataException($"unsupported storage type {name}"),
        };
    }

    private sealed class LegacyStorage(ScalarType dtype, long count, int elementSize)
    {
        public ScalarType DType { get; } = dtype;
        public long Count { get; } = count;
        public int ElementSize { get; } = elementSize;
        public byte[]? Bytes { get; set; }
    }

    private sealed class LegacyTensor(LegacyStorage storage, long offset, long[] shape, long[] stride)
    {
        public Tensor Build()
        {
            var data = storage.Bytes ?? throw new InvalidDataException("a storage's bytes are missing from the file");
            var flat = empty(storage.Count, dtype: storage.DType);
            flat.bytes = data;
            using (flat)
            {
                // The usual case, a tensor that is its whole storage, needs no copy: a view keeps the storage alive.
                if (offset == 0 && shape.Aggregate(1L, (n, d) => n * d) == storage.Count && IsContiguous()) return flat.reshape(shape);
                using var view = flat.as_strided(shape, stride, offset);
                return view.clone();
            }
        }

        private bool IsContiguous()
        {
            long expected = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (shape[i] != 1 && stride[i] != expected) return false;
                expected *= shape[i];
            }
            return true;
        }
    }

    /// <summary><c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)</c> and <c>_rebuild_tensor(storage, offset, size, stride)</c>.</summary>
    private sealed class TensorConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4 || args[0] is not LegacyStorage storage) throw new InvalidDataException("a tensor without a storage");
            return new LegacyTensor(storage, Convert.ToInt64(args[1]), Longs(args[2]), Longs(args[3]));
        }

        private static long[] Longs(object tuple) => ((object[])tuple).Select(Convert.ToInt64).ToArray();
    }
}
