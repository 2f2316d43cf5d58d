using Tmds.DBus.Protocol;

namespace EdgeGateway.Devices.Wearable;

/// <summary>The few BlueZ D-Bus calls the wearable link makes, written by hand on Tmds.DBus.Protocol (no code generator, no reflection: trims and AOT-compiles cleanly).</summary>
/// <remarks>BlueZ's API: <c>doc/org.bluez.Adapter.rst</c>, <c>org.bluez.Device.rst</c>, <c>org.bluez.GattCharacteristic.rst</c> in the BlueZ sources.</remarks>
internal static class BlueZ
{
    /// <summary>Awaits a BlueZ call for at most <paramref name="limit"/>; past it, a timeout that names the call (BlueZ can hang on a radio that stopped answering).</summary>
    public static async Task<T> BoundedAsync<T>(Task<T> call, string what, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        try
        {
            return await call.WaitAsync(limit, time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: no answer within {limit.TotalSeconds:0.#} s");
        }
    }

    /// <inheritdoc cref="BoundedAsync{T}(Task{T}, string, TimeSpan, TimeProvider, CancellationToken)"/>
    public static async Task BoundedAsync(Task call, string what, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await call.WaitAsync(limit, time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: no answer within {limit.TotalSeconds:0.#} s");
        }
    }

    public const string Service = "org.bluez";
    public const string Adapter1 = "org.bluez.Adapter1";
    public const string Device1 = "org.bluez.Device1";
    public const string GattCharacteristic1 = "org.bluez.GattCharacteristic1";
    public const string Properties = "org.freedesktop.DBus.Properties";
    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";

    /// <summary>The errors the bus answers when no one owns <c>org.bluez</c> (bluetoothd not running).</summary>
    public static bool IsServiceMissing(DBusErrorReplyException ex) =>
        ex.ErrorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner";

    /// <summary><c>ObjectManager.GetManagedObjects</c> on <c>/</c>: every object path, its interfaces and their properties (<c>a{oa{sa{sv}}}</c>).</summary>
    public static Task<ManagedObjects> GetManagedObjectsAsync(DBusConnection connection)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, "/", ObjectManager, "GetManagedObjects", null, MessageFlags.None);
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => ReadManagedObjects(m));
    }

    /// <summary><c>Properties.Get</c> of one property.</summary>
    public static Task<VariantValue> GetAsync(DBusConnection connection, string path, string @interface, string name)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, Properties, "Get", "ss", MessageFlags.None);
        writer.WriteString(@interface);
        writer.WriteString(name);
        return connection.CallMethodAsync(writer.CreateMessage(), static (Message m, object? _) => m.GetBodyReader().ReadVariantValue());
    }

    /// <summary>A method without arguments or result: <c>Device1.Connect</c>, <c>GattCharacteristic1.StartNotify</c>.</summary>
    public static Task CallAsync(DBusConnection connection, string path, string @interface, string member)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, @interface, member, null, MessageFlags.None);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    /// <summary><c>GattCharacteristic1.WriteValue(ay value, a{sv} options)</c> with no options (BlueZ picks the write type the characteristic offers).</summary>
    public static Task WriteValueAsync(DBusConnection connection, string path, byte[] value)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, GattCharacteristic1, "WriteValue", "aya{sv}", MessageFlags.None);
        writer.WriteArray(value);
        var options = writer.WriteDictionaryStart();
        writer.WriteDictionaryEnd(options);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    /// <summary><c>Adapter1.SetDiscoveryFilter(a{sv})</c> with <c>UUIDs</c> and <c>Transport</c>: BlueZ then reports only advertisers of those services, over that transport.</summary>
    public static Task SetDiscoveryFilterAsync(DBusConnection connection, string adapter, string[] uuids, string transport)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, adapter, Adapter1, "SetDiscoveryFilter", "a{sv}", MessageFlags.None);
        var filter = writer.WriteDictionaryStart();
        writer.WriteDictionaryEntryStart();
        writer.WriteString("UUIDs");
        writer.WriteVariant(VariantValue.Array(uuids));
        writer.WriteDictionaryEntryStart();
        writer.WriteString("Transport");
        writer.WriteVariantString(transport);
        writer.WriteDictionaryEnd(filter);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    /// <summary><c>Properties.Set</c> of one boolean property (<c>Device1.Trusted</c>).</summary>
    public static Task SetAsync(DBusConnection connection, string path, string @interface, string name, bool value)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(Service, path, Properties, "Set", "ssv", MessageFlags.None);
        writer.WriteString(@interface);
        writer.WriteString(name);
        writer.WriteVariantBool(value);
        return connection.CallMethodAsync(writer.CreateMessage());
    }

    /// <summary>
    /// Subscribes to <c>ObjectManager.InterfacesAdded</c> on <c>/</c> (a device heard for the first time during discovery);
    /// the handler runs on the connection's reading loop and must be quick.
    /// </summary>
    public static ValueTask<IDisposable> WatchInterfacesAddedAsync(DBusConnection connection, Action<Notification<InterfacesAdded>> handler)
    {
        var rule = new MatchRule
        {
            Type = MessageType.Signal,
            Sender = Service,
            Path = "/",
            Interface = ObjectManager,
            Member = "InterfacesAdded",
        };
        return connection.AddMatchAsync(
            rule,
            static (Message m, object? _) => ReadInterfacesAdded(m),
            handler,
            synchronizationContext: null,
            ObserverFlags.None,
            state: null);
    }

    private static InterfacesAdded ReadInterfacesAdded(Message message)
    {
        var reader = message.GetBodyReader();
        var path = reader.ReadObjectPathAsString();
        var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        var end = reader.ReadDictionaryStart();
        while (reader.HasNext(end))
        {
            var name = reader.ReadString();
            interfaces[name] = reader.ReadDictionaryOfStringToVariantValue();
        }

        return new InterfacesAdded(path, interfaces);
    }

    /// <summary>
    /// Subscribes to <c>Properties.PropertiesChanged</c> of one object through a match rule; the handler runs on the
    /// connection's reading loop and must be quick. It also gets a completion when the connection closes or <c>org.bluez</c>
    /// changes owner (bluetoothd restarted or gone).
    /// </summary>
    public static ValueTask<IDisposable> WatchPropertiesChangedAsync(DBusConnection connection, string path, Action<Notification<PropertiesChange>> handler)
    {
        var rule = new MatchRule
        {
            Type = MessageType.Signal,
            Sender = Service,
            Path = path,
            Interface = Properties,
            Member = "PropertiesChanged",
        };
        return connection.AddMatchAsync(
            rule,
            static (Message m, object? _) => ReadPropertiesChanged(m),
            handler,
            synchronizationContext: null,
            ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnOwnerChanged,
            state: null);
    }

    private static PropertiesChange ReadPropertiesChanged(Message message)
    {
        var reader = message.GetBodyReader();
        var @interface = reader.ReadString();
        var changed = reader.ReadDictionaryOfStringToVariantValue();
        return new PropertiesChange(message.PathAsString ?? "", @interface, changed);
    }

    private static ManagedObjects ReadManagedObjects(Message message)
    {
        var objects = new ManagedObjects();
        var reader = message.GetBodyReader();
        var pathsEnd = reader.ReadDictionaryStart();
        while (reader.HasNext(pathsEnd))
        {
            var path = reader.ReadObjectPathAsString();
            var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
            var interfacesEnd = reader.ReadDictionaryStart();
            while (reader.HasNext(interfacesEnd))
            {
                var name = reader.ReadString();
                interfaces[name] = reader.ReadDictionaryOfStringToVariantValue();
            }

            objects[path] = interfaces;
        }

        return objects;
    }
}

/// <summary>What <c>GetManagedObjects</c> answers: object path → interface → property → value.</summary>
internal sealed class ManagedObjects : Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>
{
    public ManagedObjects()
        : base(StringComparer.Ordinal)
    {
    }

}

/// <summary>One <c>InterfacesAdded</c> signal: the new object and its interfaces with their properties.</summary>
internal sealed record InterfacesAdded(string Path, Dictionary<string, Dictionary<string, VariantValue>> Interfaces);

/// <summary>One <c>PropertiesChanged</c> signal: the object, the interface and the properties that changed.</summary>
internal sealed record PropertiesChange(string Path, string Interface, Dictionary<string, VariantValue> Changed)
{
    /// <summary>The changed property as a boolean, or null when it did not change (or is not a boolean).</summary>
    public bool? Bool(string name) => Changed.TryGetValue(name, out var v) && v.Type == VariantValueType.Bool ? v.GetBool() : null;

    /// <summary>The changed property as a byte array (a characteristic's <c>Value</c>), or null.</summary>
    public byte[]? Bytes(string name) => Changed.TryGetValue(name, out var v) ? BlueZValue.Bytes(v) : null;
}

/// <summary>Reads the values BlueZ sends without trusting their type.</summary>
internal static class BlueZValue
{
    /// <summary>An <c>ay</c> value, or null for anything else.</summary>
    public static byte[]? Bytes(VariantValue value) =>
        value.Type == VariantValueType.Array && value.ItemType == VariantValueType.Byte ? value.GetArray<byte>() : null;

    /// <summary>A string property, or null.</summary>
    public static string? String(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out var v) && v.Type == VariantValueType.String ? v.GetString() : null;

    /// <summary>An object path property, or null.</summary>
    public static string? Path(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out var v) && v.Type == VariantValueType.ObjectPath ? v.GetObjectPathAsString() : null;

    /// <summary>A signed 16-bit property (<c>RSSI</c>), or null when absent.</summary>
    public static short? Int16(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out var v) && v.Type == VariantValueType.Int16 ? v.GetInt16() : null;

    /// <summary>A string array property (<c>UUIDs</c>); empty when absent.</summary>
    public static string[] Strings(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out var v) && v.Type == VariantValueType.Array && v.ItemType == VariantValueType.String ? v.GetArray<string>() : [];

    /// <summary>A boolean property; false when absent.</summary>
    public static bool Bool(Dictionary<string, VariantValue> properties, string name) =>
        properties.TryGetValue(name, out var v) && v.Type == VariantValueType.Bool && v.GetBool();
}
