namespace Diffuse.Text;

/// <summary>
/// One prompt as transformers' <c>tokenizer(prompt, padding="max_length", max_length=77, truncation=True)</c> returns it:
/// bos, the first tokens, eos, then the pad id to the full length, with 1 in <see cref="AttentionMask"/> for each real
/// token and 0 for padding. <see cref="Truncated"/> tells that tokens were cut to fit.
/// </summary>
public sealed record ClipTokenization(int[] InputIds, int[] AttentionMask, int TokensBeforeTruncation, bool Truncated);
