package main

// Templates whose guests make address choice hard (see guestextras.go for the knobs).
func init() {
	templateDefs = append(templateDefs,
		// docker0 and virbr0 printed before the real NIC; Tools list docker0 first in guest.net and
		// report it as guest.ipAddress.
		templateDef{name: "ubuntu-docker", guestID: "ubuntu64Guest", snapshot: true, template: true,
			networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux", "bridges": "docker0,virbr0,tun0", "bridgesFirst": "true"}},
		// The same bridges printed after the NIC (the usual iproute2 order when docker starts late).
		templateDef{name: "ubuntu-docker-after", guestID: "ubuntu64Guest", snapshot: true, template: true,
			networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux", "bridges": "docker0,virbr0"}},
		// Hyper-V's Default Switch adapter (vEthernet) listed before the vmxnet3 adapter.
		templateDef{name: "windows-hyperv", guestID: "windows9Server64Guest", snapshot: true, template: true,
			networks: []string{"VM Network"}, knobs: map[string]string{"os": "windows", "bridges": "vethernet", "bridgesFirst": "true"}},
		// NIC 0 gets a first lease, replaced by its final address 5 s later.
		templateDef{name: "ubuntu-ip-change", guestID: "ubuntu64Guest", snapshot: true, template: true,
			networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux", "ipChangeSeconds": "5"}},
	)
}
