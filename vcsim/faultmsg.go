package main

import (
	"fmt"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// vimFault wraps f in a SOAP fault with a vCenter-like faultstring.
func vimFault(f types.BaseMethodFault) *soap.Fault {
	return simulator.Fault(faultMessage(f), f)
}

// faultMessage is the human text of a fault (faultstring, task error localizedMessage).
func faultMessage(f types.BaseMethodFault) string {
	if mf := f.GetMethodFault(); mf != nil {
		for _, m := range mf.FaultMessage {
			if m.Message != "" {
				return m.Message
			}
		}
	}
	switch x := f.(type) {
	case *types.InvalidGuestLogin:
		return "Failed to authenticate with the guest operating system using the supplied credentials."
	case *types.GuestOperationsUnavailable:
		return "The guest operations agent could not be contacted."
	case *types.InvalidPowerState:
		return fmt.Sprintf("The attempted operation cannot be performed in the current state (%s).", powerStateText(x.ExistingState))
	case *types.FileNotFound:
		return fmt.Sprintf("File %s was not found", x.File)
	case *types.NotAFile:
		return fmt.Sprintf("%s is not a file", x.File)
	case *types.FileAlreadyExists:
		return fmt.Sprintf("Cannot complete the operation because the file or folder %s already exists", x.File)
	case *types.GuestProcessNotFound:
		return fmt.Sprintf("A process with the pid %d was not found in the guest.", x.Pid)
	case *types.InvalidArgument:
		return "A specified parameter was not correct: " + x.InvalidProperty
	case *types.ManagedObjectNotFound:
		return fmt.Sprintf("The object '%s:%s' has already been deleted or has not been completely created", x.Obj.Type, x.Obj.Value)
	case *types.SystemError:
		return "A general system error occurred: " + x.Reason
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", f), "*types.")
}

func powerStateText(s types.VirtualMachinePowerState) string {
	switch s {
	case types.VirtualMachinePowerStatePoweredOn:
		return "Powered on"
	case types.VirtualMachinePowerStateSuspended:
		return "Suspended"
	default:
		return "Powered off"
	}
}
