package storage

import (
	_ "github.com/oracle/oci-go-sdk/v65/common"
	_ "github.com/oracle/oci-go-sdk/v65/common/auth"
	_ "github.com/oracle/oci-go-sdk/v65/objectstorage"
)
