# Reads the emulator through OpenStack's python3-sushy (an independent Redfish client) and prints what it saw as JSON.
# The URL and credentials come from the environment (never argv).
import json, os, time
import sushy

url, user, password = os.environ['REDFISH_URL'], os.environ['REDFISH_USER'], os.environ['REDFISH_PASSWORD']
root = sushy.Sushy(url + '/redfish/v1', auth=sushy.auth.SessionAuth(username=user, password=password))
seen = {'version': root.redfish_version, 'systems': {}, 'chassis': {}}
for system in root.get_system_collection().get_members():
    seen['systems'][system.identity] = {
        'power': str(system.power_state.value),
        'health': str(system.status.health.value),
        'memoryGiB': system.memory_summary.size_gib,
        'architecture': str(system.processors.summary.architecture.value),
        'resets': sorted(str(v.value) for v in system.get_allowed_reset_system_values()),
        'drives': [d.capacity_bytes for s in system.storage.get_members() for d in s.drives],
        'chassis': [c.identity for c in system.chassis],
    }
for chassis in root.get_chassis_collection().get_members():
    seen['chassis'][chassis.identity] = str(chassis.chassis_type.value)
system = root.get_system('/redfish/v1/Systems/b2')
system.reset_system(sushy.RESET_ON)
for _ in range(50):
    time.sleep(0.1)
    system.refresh()
    if system.power_state == sushy.POWER_STATE_ON:
        break
seen['b2AfterOn'] = str(system.power_state.value)
seen['eventService'] = root.get_event_service().service_enabled
print(json.dumps(seen))
