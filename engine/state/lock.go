package state

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Holder says who holds the lock.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// Lock is a held exclusive lock on the state directory.
type Lock struct{ f *os.File }

// ErrLocked is returned when another process holds the lock.
type ErrLocked struct {
	Dir    string
	Holder Holder
}

func (e *ErrLocked) Error() string {
	return fmt.Sprintf("another clawplan holds the lock on %s: pid %d (%q) since %s. Wait for it to finish; the lock frees itself when that process exits",
		e.Dir, e.Holder.PID, e.Holder.Command, e.Holder.Since.Format(time.RFC3339))
}

// Lock takes the exclusive lock without waiting: a second apply fails
// fast, naming the holder. The kernel frees it when the process dies.
func (s *Store) Lock(command []string) (*Lock, error) {
	f, err := os.OpenFile(s.path("lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		var h Holder
		_ = readJSON(s.path("lock.info"), &h)
		return nil, &ErrLocked{Dir: s.Dir, Holder: h}
	}
	h := Holder{PID: os.Getpid(), Command: strings.Join(command, " "), Since: time.Now().UTC()}
	b, _ := json.Marshal(h)
	if err := writeFile(s.path("lock.info"), b); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// Locked reports whether some process holds the lock now.
func (s *Store) Locked() bool {
	f, err := os.OpenFile(s.path("lock"), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
