// The gateway runs on Linux only; certificate and key-permission tests use Unix file modes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
