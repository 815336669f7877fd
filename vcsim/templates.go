package main

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// templateDef describes one source VM in DC0/vm/Templates.
type templateDef struct {
	name     string
	guestID  string
	snapshot bool
	template bool // false: a powered-on VM (instant clone parent)
	networks []string
	knobs    map[string]string
	host     string // inventory name of the ESXi host it lives on ("" = the first cluster host)
}

var templateDefs = []templateDef{
	{name: "ubuntu-22.04", guestID: "ubuntu64Guest", snapshot: true, template: true,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux"}},
	{name: "windows-2016", guestID: "windows9Server64Guest", snapshot: true, template: true,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "windows"}},
	{name: "no-snapshot", guestID: "ubuntu64Guest", template: true,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux"}},
	{name: "ipv6-only", guestID: "ubuntu64Guest", snapshot: true, template: true,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux", "ipFamily": "ipv6"}},
	{name: "two-nics", guestID: "ubuntu64Guest", snapshot: true, template: true,
		networks: []string{"VM Network", "DC0_DVPG0"}, knobs: map[string]string{"os": "linux", "nics": "2"}},
	{name: "apipa-first", guestID: "ubuntu64Guest", snapshot: true, template: true,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux", "apipaSeconds": "5"}},
	{name: "instant-parent", guestID: "ubuntu64Guest", snapshot: false, template: false,
		networks: []string{"VM Network"}, knobs: map[string]string{"os": "linux"}},
}

// createTemplates builds DC0/vm/Templates with the in-process client (before our handler is installed).
func (s *Sim) createTemplates() error {
	ctx := context.Background()
	c, err := vim25.NewClient(ctx, s.svc)
	if err != nil {
		return err
	}
	finder := find.NewFinder(c, false)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		return err
	}
	finder.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	tf, err := folders.VmFolder.CreateFolder(ctx, "Templates")
	if err != nil {
		return err
	}
	pool, err := finder.ResourcePool(ctx, "DC0_C0/Resources")
	if err != nil {
		return err
	}
	for _, def := range templateDefs {
		if err := s.createTemplate(ctx, finder, tf, pool, def); err != nil {
			return fmt.Errorf("%s: %w", def.name, err)
		}
	}
	return nil
}

func (s *Sim) createTemplate(ctx context.Context, finder *find.Finder, folder *object.Folder, pool *object.ResourcePool, def templateDef) error {
	var devices object.VirtualDeviceList
	scsi, err := devices.CreateSCSIController("pvscsi")
	if err != nil {
		return err
	}
	devices = append(devices, scsi)
	ds, err := finder.Datastore(ctx, "LocalDS_0")
	if err != nil {
		return err
	}
	disk := devices.CreateDisk(scsi.(types.BaseVirtualController), ds.Reference(), "")
	disk.CapacityInKB = 16 * 1024 * 1024
	devices = append(devices, disk)
	for _, name := range def.networks {
		n, err := finder.Network(ctx, name)
		if err != nil {
			return err
		}
		backing, err := n.EthernetCardBackingInfo(ctx)
		if err != nil {
			return err
		}
		card, err := devices.CreateEthernetCard("vmxnet3", backing)
		if err != nil {
			return err
		}
		devices = append(devices, card)
	}
	var changes []types.BaseVirtualDeviceConfigSpec
	for _, d := range devices {
		spec := &types.VirtualDeviceConfigSpec{Operation: types.VirtualDeviceConfigSpecOperationAdd, Device: d}
		if _, ok := d.(*types.VirtualDisk); ok {
			spec.FileOperation = types.VirtualDeviceConfigSpecFileOperationCreate
		}
		changes = append(changes, spec)
	}
	spec := types.VirtualMachineConfigSpec{
		Name:         def.name,
		GuestId:      def.guestID,
		NumCPUs:      2,
		MemoryMB:     4096,
		Files:        &types.VirtualMachineFileInfo{VmPathName: "[LocalDS_0]"},
		ExtraConfig:  knobOptions(def.knobs),
		DeviceChange: changes,
	}
	host, err := s.templateHost(folder.Client(), def.host)
	if err != nil {
		return err
	}
	task, err := folder.CreateVM(ctx, spec, pool, host)
	if err != nil {
		return err
	}
	info, err := task.WaitForResult(ctx)
	if err != nil {
		return err
	}
	vm := object.NewVirtualMachine(folder.Client(), info.Result.(types.ManagedObjectReference))
	// Give the template's NICs distinct MACs like a clone gets.
	st := s.vms.get(vm.Reference())
	if obj, f := s.vmOf(s.bgContext(), vm.Reference()); f == nil {
		lctx := s.bgContext()
		lctx.WithLock(obj, func() { s.assignMACs(lctx, obj, st.index) })
	}
	if def.snapshot {
		t, err := vm.CreateSnapshot(ctx, "base", "template base snapshot", false, false)
		if err != nil {
			return err
		}
		if err := t.Wait(ctx); err != nil {
			return err
		}
	}
	if !def.template {
		t, err := vm.PowerOn(ctx)
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	}
	return vm.MarkAsTemplate(ctx)
}

// templateHost is the host a template is created on: clones stay on their source's host, so
// tests know which ESXi host serves a clone's guest files.
func (s *Sim) templateHost(c *vim25.Client, name string) (*object.HostSystem, error) {
	if name == "" {
		ref := s.firstClusterHost()
		if ref == nil {
			return nil, nil
		}
		return object.NewHostSystem(c, *ref), nil
	}
	ref, ok := s.hostRefByName(name)
	if !ok {
		return nil, fmt.Errorf("no host named %q", name)
	}
	return object.NewHostSystem(c, ref), nil
}
