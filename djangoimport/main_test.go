package djangoimport_test

import (
	"testing"

	"motando/models/modelstest"
)

// TestMain runs the tests logging warnings and errors only
// (MOTANDO_TEST_LOG=debug shows every line).
func TestMain(m *testing.M) { modelstest.Main(m) }
