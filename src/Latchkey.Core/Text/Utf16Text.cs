namespace Latchkey.Text;

/// <summary>Checks on .NET strings that arrived from outside.</summary>
public static class Utf16Text
{
    /// <summary>
    /// Whether <paramref name="text"/> is well-formed UTF-16: every surrogate is half of a pair. JSON
    /// escapes such as <c>"\ud800"</c> can produce lone surrogates, which no text encoding represents.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
