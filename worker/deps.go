package worker

import (
	_ "github.com/alitto/pond/v2"
	_ "golang.org/x/sync/errgroup"
)
