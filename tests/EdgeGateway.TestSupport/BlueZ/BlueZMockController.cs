namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>The Python side of <see cref="BlueZMock"/>: a dbus-python client that drives python3-dbusmock's <c>bluez5</c> mock over the private bus, one JSON command per line.</summary>
internal static class BlueZMockController
{
    /// <summary>The script; it talks only through dbusmock's documented <c>org.freedesktop.DBus.Mock</c> interface and the template's <c>org.bluez.Mock</c>.</summary>
    public const string Script = """
        import json, sys, time
        import dbus

        MOCK = 'org.freedesktop.DBus.Mock'
        GATT_SERVICE = 'org.bluez.GattService1'
        GATT_CHAR = 'org.bluez.GattCharacteristic1'
        DEVICE = 'org.bluez.Device1'

        bus = dbus.SessionBus()
        deadline = time.time() + 10
        while not bus.name_has_owner('org.bluez'):
            if time.time() > deadline:
                print(json.dumps({'ok': False, 'error': 'org.bluez did not appear on the bus within 10 s'}), flush=True)
                sys.exit(1)
            time.sleep(0.02)

        def obj(path, iface=MOCK):
            return dbus.Interface(bus.get_object('org.bluez', path), iface)

        def char(path, uuid, service, flags):
            # Properties as BlueZ has them; StartNotify/StopNotify only recorded (dbusmock logs every call), WriteValue
            # recorded with its bytes, ReadValue answering the current Value.
            obj('/').AddObject(path, GATT_CHAR, {
                'UUID': dbus.String(uuid, variant_level=1),
                'Service': dbus.ObjectPath(service, variant_level=1),
                'Value': dbus.Array([], signature='y', variant_level=1),
                'Notifying': dbus.Boolean(False, variant_level=1),
                'Flags': dbus.Array(flags, signature='s', variant_level=1),
            }, [
                ('StartNotify', '', '', ''),
                ('StopNotify', '', '', ''),
                ('WriteValue', 'aya{sv}', '', ''),
                ('ReadValue', 'a{sv}', 'ay', "ret = self.props['org.bluez.GattCharacteristic1']['Value']"),
            ])

        def add_wearable(c):
            o = obj('/', 'org.bluez.Mock')
            adapter = o.AddAdapter('hci0', 'EdgeGateway Pi')
            dev = o.AddDevice('hci0', c['address'], c['name'])
            # The template's Connect only emits Connected; BlueZ also sets the property and, after discovering the
            # GATT database, ServicesResolved.
            obj(dev).AddMethod(DEVICE, 'Connect', '', '',
                "self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(True, variant_level=1)})\n"
                "self.UpdateProperties('org.bluez.Device1', {'ServicesResolved': dbus.Boolean(True, variant_level=1)})")
            paths = {'adapter': str(adapter), 'device': str(dev)}
            if c.get('service', True):
                svc = dev + '/service000a'
                obj('/').AddObject(svc, GATT_SERVICE, {
                    'UUID': dbus.String(c['service_uuid'], variant_level=1),
                    'Device': dbus.ObjectPath(dev, variant_level=1),
                    'Primary': dbus.Boolean(True, variant_level=1),
                }, [])
                paths['samples'] = svc + '/char000b'
                paths['control'] = svc + '/char000e'
                paths['events'] = svc + '/char0010'
                char(paths['samples'], c['samples_uuid'], svc, ['read', 'notify'])
                char(paths['control'], c['control_uuid'], svc, ['write', 'write-without-response'])
                char(paths['events'], c['events_uuid'], svc, ['read', 'notify'])
            if c.get('battery', True):
                bsvc = dev + '/service0020'
                obj('/').AddObject(bsvc, GATT_SERVICE, {
                    'UUID': dbus.String(c['battery_service_uuid'], variant_level=1),
                    'Device': dbus.ObjectPath(dev, variant_level=1),
                    'Primary': dbus.Boolean(True, variant_level=1),
                }, [])
                paths['battery'] = bsvc + '/char0021'
                char(paths['battery'], c['battery_uuid'], bsvc, ['read', 'notify'])
            return paths

        def add_adapter(c):
            return str(obj('/', 'org.bluez.Mock').AddAdapter(c['name'], 'EdgeGateway Pi'))

        def add_device(c):
            # A device heard during discovery: the template's AddDevice (InterfacesAdded, as BlueZ announces a new
            # advertiser) with the advertised UUIDs and RSSI set in the same announcement's properties afterwards.
            dev = obj('/', 'org.bluez.Mock').AddDevice(c['adapter'], c['address'], c['name'])
            d = obj(dev)
            d.UpdateProperties(DEVICE, {
                'UUIDs': dbus.Array(c.get('uuids', []), signature='s', variant_level=1),
                'RSSI': dbus.Int16(c.get('rssi', -60), variant_level=1),
            })
            if c.get('pair_error'):
                # The template's Pair always succeeds; a wearable that refuses answers as bluetoothd does.
                d.AddMethod(DEVICE, 'Pair', '', '',
                    f"raise dbus.exceptions.DBusException({c.get('pair_message', 'Authentication Failed')!r}, name={c['pair_error']!r})")
            return str(dev)

        def device_props(c):
            props = dbus.Interface(bus.get_object('org.bluez', c['path']), 'org.freedesktop.DBus.Properties').GetAll(DEVICE)
            return {k: (bool(v) if isinstance(v, dbus.Boolean) else str(v)) for k, v in props.items() if k in ('Paired', 'Trusted', 'Address', 'Name')}

        def adapter_props(c):
            props = dbus.Interface(bus.get_object('org.bluez', c['path']), 'org.freedesktop.DBus.Properties').GetAll('org.bluez.Adapter1')
            return {'Discovering': bool(props['Discovering'])}

        def notify(c):
            # A notification reaches BlueZ's clients as PropertiesChanged of Value on the characteristic.
            for value in c['values']:
                data = bytes.fromhex(value)
                obj(c['path']).UpdateProperties(GATT_CHAR, {'Value': dbus.Array([dbus.Byte(b) for b in data], signature='y')})
            return len(c['values'])

        def set_device(c):
            props = {k: dbus.Boolean(v, variant_level=1) for k, v in c['props'].items()}
            obj(c['path']).UpdateProperties(DEVICE, props)
            return True

        def set_connectable(c):
            # Out of range: BlueZ's Connect fails as it does when the LE connection cannot be made; in range again: the
            # Connect above. Replacing the method is dbusmock's documented AddMethod.
            if c['connectable']:
                code = ("self.UpdateProperties('org.bluez.Device1', {'Connected': dbus.Boolean(True, variant_level=1)})\n"
                        "self.UpdateProperties('org.bluez.Device1', {'ServicesResolved': dbus.Boolean(True, variant_level=1)})")
            else:
                code = "raise dbus.exceptions.DBusException('le-connection-abort-by-local', name='org.bluez.Error.Failed')"
            obj(c['path']).AddMethod(DEVICE, 'Connect', '', '', code)
            return True

        def arg(a):
            if isinstance(a, (dbus.Array, dbus.ByteArray)) and (getattr(a, 'signature', None) == 'y' or all(isinstance(x, dbus.Byte) for x in a)):
                return bytes(a).hex()
            return str(a)

        def calls(c):
            return [[arg(a) for a in args] for _, args in obj(c['path']).GetMethodCalls(c['method'])]

        ops = {'add_wearable': add_wearable, 'notify': notify, 'set_device': set_device, 'set_connectable': set_connectable, 'calls': calls,
               'add_adapter': add_adapter, 'add_device': add_device, 'device_props': device_props, 'adapter_props': adapter_props}
        print(json.dumps({'ok': True, 'result': 'ready'}), flush=True)
        for line in sys.stdin:
            try:
                c = json.loads(line)
                print(json.dumps({'ok': True, 'result': ops[c['op']](c)}), flush=True)
            except Exception as e:
                print(json.dumps({'ok': False, 'error': f'{type(e).__name__}: {e}'}), flush=True)
        """;
}
