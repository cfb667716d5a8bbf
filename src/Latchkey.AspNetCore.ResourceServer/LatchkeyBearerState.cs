using Latchkey.Tokens;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>What one scheme validates with: its key cache, a validator over it, and the fixed parameters.</summary>
internal sealed record LatchkeyBearerState(LatchkeyKeyCache Keys, AccessTokenValidator Validator, AccessTokenValidationParameters Parameters, LatchkeyRevocationFeed? Revocations);
