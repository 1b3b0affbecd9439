package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/photo"
	"motando/storage"
)

// maxUploadsPerWindow bounds the photos one account uploads within the
// limiter's window.
const maxUploadsPerWindow = 120

// photoUpload stores one photo in the temporary bucket and answers its
// preview with the token the ad form submits: POST /anuncios/fotos
// (multipart field "foto").
func (s *Server) photoUpload(c *fiber.Ctx) error {
	u := currentUser(c)
	fh, err := c.FormFile("foto")
	if err != nil {
		return s.photoRefused(c, "Escolha uma foto.")
	}
	up, problem, err := s.storeUpload(c, u, fh)
	if err != nil {
		return err
	}
	if problem != "" {
		return s.photoRefused(c, problem)
	}
	return s.render(c, fiber.StatusOK, "partials/photo_item", fiber.Map{"Ref": up.Token, "Preview": "/anuncios/fotos/" + up.Token})
}

func (s *Server) photoRefused(c *fiber.Ctx, msg string) error {
	return s.render(c, fiber.StatusUnprocessableEntity, "partials/photo_error", fiber.Map{"Message": msg})
}

// storeUpload checks a photo by its content (never its name or declared
// type), stores it under a key the server makes and records it for the
// user. A photo that cannot be accepted comes back as a pt-BR problem.
func (s *Server) storeUpload(c *fiber.Ctx, u *models.User, fh *multipart.FileHeader) (*models.Upload, string, error) {
	ctx := c.UserContext()
	switch {
	case fh.Size == 0:
		return nil, "O arquivo está vazio.", nil
	case fh.Size > photo.MaxBytes:
		return nil, "A foto passa de 15 MB.", nil
	}
	n, err := s.limits.Add(ctx, fmt.Sprintf("upload:user:%d", u.ID))
	if err != nil {
		return nil, "", err
	}
	if n > maxUploadsPerWindow {
		return nil, "Você enviou muitas fotos em pouco tempo. Aguarde alguns minutos.", nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	info, err := photo.Inspect(f)
	var perr *photo.Error
	if errors.As(err, &perr) {
		return nil, perr.Message, nil
	}
	if err != nil {
		return nil, "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("rewind upload: %w", err)
	}
	up := &models.Upload{
		Token:       models.NewUploadToken(),
		UserID:      u.ID,
		TmpKey:      "uploads/" + time.Now().UTC().Format("2006/01/02/") + models.NewUploadToken() + info.Format.Ext(),
		ContentType: info.Format.ContentType(),
		SizeBytes:   fh.Size,
		Width:       info.Width,
		Height:      info.Height,
	}
	if err := s.store.Put(ctx, storage.Temp, up.TmpKey, f, fh.Size, up.ContentType); err != nil {
		return nil, "", err
	}
	if err := s.db.CreateUpload(ctx, up); err != nil {
		return nil, "", err
	}
	return up, "", nil
}

// photoPreview shows one of the user's uploads: GET /anuncios/fotos/{token}.
func (s *Server) photoPreview(c *fiber.Ctx) error {
	up, err := s.db.UploadOf(c.UserContext(), currentUser(c).ID, c.Params("token"))
	if err != nil {
		return err
	}
	rc, obj, err := s.store.Get(c.UserContext(), storage.Temp, up.TmpKey)
	if errors.Is(err, storage.ErrNotExist) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, up.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.SendStream(rc, int(obj.Size))
}
