using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>Given to <see cref="LatchkeyBearerEvents.OnForbidden"/>, after the status (403) is set.</summary>
/// <param name="context">The request.</param>
/// <param name="scheme">The bearer scheme.</param>
/// <param name="options">The scheme's options.</param>
/// <param name="properties">The properties of the forbid call.</param>
public sealed class LatchkeyBearerForbiddenContext(
    HttpContext context, AuthenticationScheme scheme, LatchkeyBearerOptions options, AuthenticationProperties? properties)
    : PropertiesContext<LatchkeyBearerOptions>(context, scheme, options, properties);
