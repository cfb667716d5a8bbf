using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Passkeys;

/// <summary>
/// A platform authenticator in software for the tests: ES256 (ECDSA P-256) discoverable credentials, attestation
/// "none", and the JSON that <c>PublicKeyCredential.toJSON()</c> gives. Every byte of the responses is assembled here,
/// so the tests can get each of them wrong on purpose.
/// </summary>
internal sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte UserVerifiedFlag = 0x04;
    private const byte BackupEligibleFlag = 0x08;
    private const byte BackedUpFlag = 0x10;
    private const byte AttestedData = 0x40;

    private readonly Dictionary<string, Credential> _credentials = [];

    public SoftwareAuthenticator(string origin) => Origin = origin;

    /// <summary>The origin the "browser" writes into the client data.</summary>
    public string Origin { get; set; }

    /// <summary>Whether new credentials are backup eligible (synced passkeys) and backed up.</summary>
    public bool BackupEligible { get; set; } = true;

    /// <summary>Whether the user is verified (PIN, biometric) in the responses.</summary>
    public bool UserVerified { get; set; } = true;

    /// <summary>The credential ids made, in base64url.</summary>
    public IReadOnlyCollection<string> CredentialIds => _credentials.Keys;

    /// <summary>Answers <c>navigator.credentials.create()</c> for the creation options; the new credential is kept.</summary>
    public JsonObject Create(JsonNode options, string? rpIdOverride = null)
    {
        var rpId = rpIdOverride ?? options["rp"]!["id"]!.GetValue<string>();
        var userHandle = Base64Url.Decode(options["user"]!["id"]!.GetValue<string>());
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = RandomNumberGenerator.GetBytes(16);
        var credential = new Credential(id, key, rpId, userHandle) { SignCount = 1, BackupEligible = BackupEligible };
        _credentials[Base64Url.Encode(id)] = credential;

        var clientData = ClientData("webauthn.create", options["challenge"]!.GetValue<string>());
        var authData = AuthenticatorData(rpId, Flags(credential) | AttestedData, credential.SignCount, AttestedCredentialData(id, key));
        var attestation = new CborWriter();
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authData);
        attestation.WriteEndMap();

        return new JsonObject
        {
            ["id"] = Base64Url.Encode(id),
            ["rawId"] = Base64Url.Encode(id),
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["clientExtensionResults"] = new JsonObject { ["credProps"] = new JsonObject { ["rk"] = true } },
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.Encode(clientData),
                ["attestationObject"] = Base64Url.Encode(attestation.Encode()),
                ["transports"] = new JsonArray("internal"),
            },
        };
    }

    /// <summary>
    /// Answers <c>navigator.credentials.get()</c> with the credential <paramref name="credentialId"/> (or the only one),
    /// advancing its counter by <paramref name="countStep"/>.
    /// </summary>
    public JsonObject Get(JsonNode options, string? credentialId = null, uint countStep = 1, string? rpIdOverride = null)
    {
        var credential = credentialId is null ? _credentials.Values.Single() : _credentials[credentialId];
        credential.SignCount = countStep == 0 ? credential.SignCount : credential.SignCount + countStep;
        var clientData = ClientData("webauthn.get", options["challenge"]!.GetValue<string>());
        var authData = AuthenticatorData(rpIdOverride ?? credential.RpId, Flags(credential), credential.SignCount, []);
        var signature = credential.Key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["id"] = Base64Url.Encode(credential.Id),
            ["rawId"] = Base64Url.Encode(credential.Id),
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["clientExtensionResults"] = new JsonObject(),
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.Encode(clientData),
                ["authenticatorData"] = Base64Url.Encode(authData),
                ["signature"] = Base64Url.Encode(signature),
                ["userHandle"] = Base64Url.Encode(credential.UserHandle),
            },
        };
    }

    /// <summary>Sets a credential's counter, as a clone of it would have it.</summary>
    public void SetSignCount(string credentialId, uint count) => _credentials[credentialId].SignCount = count;

    /// <summary>Flips a credential's backup eligibility, which a genuine authenticator never does.</summary>
    public void FlipBackupEligibility(string credentialId) => _credentials[credentialId].BackupEligible ^= true;

    public void Dispose()
    {
        foreach (var credential in _credentials.Values)
        {
            credential.Key.Dispose();
        }
    }

    private byte Flags(Credential credential) =>
        (byte)(UserPresent | (UserVerified ? UserVerifiedFlag : 0) | (credential.BackupEligible ? BackupEligibleFlag | BackedUpFlag : 0));

    private byte[] ClientData(string type, string challenge) => Encoding.UTF8.GetBytes(
        new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = Origin, ["crossOrigin"] = false }.ToJsonString());

    private static byte[] AuthenticatorData(string rpId, int flags, uint signCount, byte[] attested)
    {
        var data = new byte[32 + 1 + 4 + attested.Length];
        SHA256.HashData(Encoding.UTF8.GetBytes(rpId), data);
        data[32] = (byte)flags;
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(33), signCount);
        attested.CopyTo(data, 37);
        return data;
    }

    private static byte[] AttestedCredentialData(byte[] id, ECDsa key)
    {
        var parameters = key.ExportParameters(false);
        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cose.WriteStartMap(5);
        cose.WriteInt32(1);
        cose.WriteInt32(2); // kty: EC2
        cose.WriteInt32(3);
        cose.WriteInt32(-7); // alg: ES256
        cose.WriteInt32(-1);
        cose.WriteInt32(1); // crv: P-256
        cose.WriteInt32(-2);
        cose.WriteByteString(parameters.Q.X!);
        cose.WriteInt32(-3);
        cose.WriteByteString(parameters.Q.Y!);
        cose.WriteEndMap();
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)id.Length);
        return [.. new byte[16], .. length, .. id, .. cose.Encode()];
    }

    private sealed class Credential(byte[] id, ECDsa key, string rpId, byte[] userHandle)
    {
        public byte[] Id { get; } = id;

        public ECDsa Key { get; } = key;

        public string RpId { get; } = rpId;

        public byte[] UserHandle { get; } = userHandle;

        public uint SignCount { get; set; }

        public bool BackupEligible { get; set; }
    }
}

/// <summary>base64url without padding, as WebAuthn's JSON forms write binary.</summary>
internal static class Base64Url
{
    public static string Encode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
