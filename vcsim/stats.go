package main

import (
	"sort"
	"sync"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

// stats counts SOAP traffic and task concurrency for the control API.
type stats struct {
	mu            sync.Mutex
	requests      map[string]int64
	logins        int64
	logouts       int64
	faults        int64
	rejected      int64
	tasksByMethod map[string]int64
	tasks         map[types.ManagedObjectReference]*taskRec
	invalid       map[string]int64 // InvalidRequest answers by method
	lastInvalid   []string         // the latest reasons, newest last
}

type taskRec struct {
	start, end time.Time
	client     bool // returned to a SOAP client (not one of vcsim's internal sub-tasks)
}

// Stats is the JSON shape of GET /testvm-sim/stats.
type Stats struct {
	RequestsByMethod    map[string]int64 `json:"requestsByMethod"`
	LoginCount          int64            `json:"loginCount"`
	LogoutCount         int64            `json:"logoutCount"`
	ActiveSessions      int              `json:"activeSessions"`
	PeakConcurrentTasks int              `json:"peakConcurrentTasks"`
	RunningTasks        int              `json:"runningTasks"`
	TasksByMethod       map[string]int64 `json:"tasksByMethod"`
	FaultsInjected      int64            `json:"faultsInjected"`
	RejectedUnreachable int64            `json:"rejectedWhileUnreachable"`
	InvalidRequests     int64            `json:"invalidRequests"`         // refused by strict checking
	InvalidByMethod     map[string]int64 `json:"invalidRequestsByMethod"` // same, per method
	LastInvalidReasons  []string         `json:"lastInvalidReasons"`      // up to 20, newest last
}

func newStats() *stats {
	st := &stats{}
	st.reset()
	return st
}

func (st *stats) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.requests = map[string]int64{}
	st.tasksByMethod = map[string]int64{}
	st.tasks = map[types.ManagedObjectReference]*taskRec{}
	st.invalid = map[string]int64{}
	st.lastInvalid = nil
	st.logins, st.logouts, st.faults, st.rejected = 0, 0, 0, 0
}

func (st *stats) request(method string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.requests[method]++
	if ok && method == "Login" {
		st.logins++
	}
	if ok && method == "Logout" {
		st.logouts++
	}
}

func (st *stats) invalidRequest(method, reason string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.invalid[method]++
	st.lastInvalid = append(st.lastInvalid, method+": "+reason)
	if len(st.lastInvalid) > 20 {
		st.lastInvalid = st.lastInvalid[len(st.lastInvalid)-20:]
	}
}

func (st *stats) faultInjected() {
	st.mu.Lock()
	st.faults++
	st.mu.Unlock()
}

func (st *stats) rejectedRequest() {
	st.mu.Lock()
	st.rejected++
	st.mu.Unlock()
}

func (st *stats) taskPut(ref types.ManagedObjectReference, _ string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.tasks) > 20000 { // forget finished internal tasks
		for k, r := range st.tasks {
			if !r.client && !r.end.IsZero() {
				delete(st.tasks, k)
			}
		}
	}
	st.tasks[ref] = &taskRec{start: time.Now()}
}

func (st *stats) taskDone(ref types.ManagedObjectReference) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if r := st.tasks[ref]; r != nil && r.end.IsZero() {
		r.end = time.Now()
	}
}

// clientTask marks a task that a SOAP method returned to its caller.
func (st *stats) clientTask(ref types.ManagedObjectReference, method string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tasksByMethod[method]++
	if r := st.tasks[ref]; r != nil {
		r.client = true
	}
}

// snapshot computes the JSON view; peak = most client tasks running at the same time.
func (st *stats) snapshot(activeSessions int) Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := Stats{
		RequestsByMethod: map[string]int64{}, TasksByMethod: map[string]int64{},
		LoginCount: st.logins, LogoutCount: st.logouts, ActiveSessions: activeSessions,
		FaultsInjected: st.faults, RejectedUnreachable: st.rejected,
	}
	for k, v := range st.requests {
		out.RequestsByMethod[k] = v
	}
	for k, v := range st.tasksByMethod {
		out.TasksByMethod[k] = v
	}
	out.InvalidByMethod = map[string]int64{}
	for k, v := range st.invalid {
		out.InvalidByMethod[k] = v
		out.InvalidRequests += v
	}
	out.LastInvalidReasons = append([]string{}, st.lastInvalid...)
	type ev struct {
		t time.Time
		d int
	}
	var evs []ev
	for _, r := range st.tasks {
		if !r.client {
			continue
		}
		evs = append(evs, ev{r.start, 1})
		if r.end.IsZero() {
			out.RunningTasks++
		} else {
			evs = append(evs, ev{r.end, -1})
		}
	}
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].t.Equal(evs[j].t) {
			return evs[i].d < evs[j].d // ends before starts at the same instant
		}
		return evs[i].t.Before(evs[j].t)
	})
	cur := 0
	for _, e := range evs {
		cur += e.d
		if cur > out.PeakConcurrentTasks {
			out.PeakConcurrentTasks = cur
		}
	}
	return out
}
