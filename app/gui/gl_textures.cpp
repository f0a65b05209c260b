// GlTextureCache (see gl_textures.hpp): plain OpenGL 1.1 texture calls; nearest filtering by default so small
// images (28x28 digits, heatmaps) stay crisp when enlarged, bilinear when asked (smooth fields).
#include "app/gui/gl_textures.hpp"

#include <GL/gl.h>

#include <cstdint>

namespace mlsys::gui {

GlTextureCache::~GlTextureCache() {
    for (auto& [key, e] : textures_) {
        GLuint id = e.id;
        glDeleteTextures(1, &id);
    }
}

ImTextureID GlTextureCache::update(const std::string& key, int w, int h, const uint32_t* rgba, uint64_t version,
                                   bool smooth) {
    if (w <= 0 || h <= 0 || !rgba) return nullptr;
    Entry& e = textures_[key];
    if (e.id != 0 && e.version == version && e.w == w && e.h == h && e.smooth == smooth)
        return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.id));
    if (e.id == 0) {
        GLuint id = 0;
        glGenTextures(1, &id);
        e.id = id;
    }
    glBindTexture(GL_TEXTURE_2D, e.id);
    const GLint filter = smooth ? GL_LINEAR : GL_NEAREST;
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    glBindTexture(GL_TEXTURE_2D, 0);
    e.w = w;
    e.h = h;
    e.version = version;
    e.smooth = smooth;
    return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.id));
}

}  // namespace mlsys::gui
